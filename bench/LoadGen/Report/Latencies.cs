using System.Diagnostics;
using HdrHistogram;

namespace LoadGen.Report;

/// <summary>Latencies in an HdrHistogram (microseconds, 1 µs to 60 s, 3 significant digits).</summary>
internal sealed class Latencies
{
    private readonly LongHistogram _histogram = new(1, 60_000_000, 3);

    public long Count => _histogram.TotalCount;

    public void Record(long fromTimestamp, long toTimestamp)
    {
        var micros = Math.Max(1, (long)Stopwatch.GetElapsedTime(fromTimestamp, toTimestamp).TotalMicroseconds);
        lock (_histogram)
        {
            _histogram.RecordValue(Math.Min(micros, 60_000_000));
        }
    }

    public void Record(TimeSpan elapsed)
    {
        var micros = Math.Clamp((long)elapsed.TotalMicroseconds, 1, 60_000_000);
        lock (_histogram)
        {
            _histogram.RecordValue(micros);
        }
    }

    public double PercentileMs(double percentile) => Count == 0 ? 0 : _histogram.GetValueAtPercentile(percentile) / 1000.0;
}
