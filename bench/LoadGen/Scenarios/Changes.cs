using System.Diagnostics;
using LoadGen.Clients;
using LoadGen.Net;
using LoadGen.Report;

namespace LoadGen.Scenarios;

/// <summary>
/// The latency of one acknowledged change: rooms of participants each calling SetMedia at a fixed rate, timed from the call to
/// its answer (the answer leaves only once the change is in the backup, and with <c>Redis:AckReplicas</c> once replicas hold it).
/// </summary>
internal static class Changes
{
    public static async Task<BenchResult> RunAsync(
        BenchTarget target, ServerProbe probe, string label, int rooms, int participants, double ratePerParticipant, TimeSpan duration, TimeSpan warmup,
        CancellationToken cancellationToken)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var clients = await Task.WhenAll(Enumerable.Range(0, rooms * participants).Select(i =>
            target.JoinAndConnectAsync($"ch{run}-{i / participants}", $"p{i % participants}", null, cancellationToken)));
        var latencies = new Latencies();
        long errors = 0;
        var interval = TimeSpan.FromSeconds(1 / ratePerParticipant);
        var started = Stopwatch.GetTimestamp();
        var cpuAtStart = 0.0;
        var measuring = warmup == TimeSpan.Zero;
        if (measuring)
        {
            cpuAtStart = probe.CpuSeconds();
        }

        using var warm = new Timer(_ => { cpuAtStart = probe.CpuSeconds(); Volatile.Write(ref measuring, true); }, null, warmup, Timeout.InfiniteTimeSpan);
        await Task.WhenAll(clients.Select((client, i) => Task.Run(async () =>
        {
            // spread the participants over the interval, so that the load is even
            await Task.Delay(interval * Random.Shared.NextDouble(), cancellationToken);
            for (var n = 0; Stopwatch.GetElapsedTime(started) < warmup + duration; n++)
            {
                var next = Stopwatch.GetTimestamp() + (long)(interval.TotalSeconds * Stopwatch.Frequency);
                var from = Stopwatch.GetTimestamp();
                try
                {
                    await client.SetMediaAsync(n % 2 == 0, true, cancellationToken);
                    if (Volatile.Read(ref measuring))
                    {
                        latencies.Record(from, Stopwatch.GetTimestamp());
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }

                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }
            }
        }, cancellationToken)));
        var cpu = probe.CpuSeconds() - cpuAtStart;
        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        var offered = rooms * participants * ratePerParticipant;
        return new BenchResult
        {
            Target = label,
            Scenario = "changes",
            Load = $"{rooms} rooms x {participants}, {ratePerParticipant:0.##} changes/s each",
            OfferedRate = offered,
            Seconds = duration.TotalSeconds,
            DeliveriesPerSecond = latencies.Count / duration.TotalSeconds,
            P50Ms = latencies.PercentileMs(50),
            P99Ms = latencies.PercentileMs(99),
            P999Ms = latencies.PercentileMs(99.9),
            ServerCpuSeconds = cpu,
            DeliveriesPerCpuSecond = cpu > 0 ? latencies.Count / cpu : 0,
            ServerRssBytes = probe.RssBytes(),
            Errors = errors,
            Count = latencies.Count,
        };
    }
}
