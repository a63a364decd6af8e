using System.Diagnostics.Metrics;

namespace CallServer.Domain.Tests.Fakes;

/// <summary>Meters for the telemetry a worker records, not exported anywhere.</summary>
internal sealed class TestMeters : IMeterFactory
{
    public Meter Create(MeterOptions options) => new(options);

    public void Dispose()
    {
    }
}
