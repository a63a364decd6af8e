namespace LoadGen.Report;

/// <summary>One measured run of one scenario against one target; what run.sh collects into RESULTS.md.</summary>
internal sealed record BenchResult
{
    public required string Target { get; init; }

    public required string Scenario { get; init; }

    /// <summary>The load, in words (e.g. "200 rooms x 10, 1.5 calls/s each").</summary>
    public string Load { get; init; } = "";

    public double OfferedRate { get; init; }

    public double Seconds { get; init; }

    public double DeliveriesPerSecond { get; init; }

    public double P50Ms { get; init; }

    public double P99Ms { get; init; }

    public double P999Ms { get; init; }

    public double ServerCpuSeconds { get; init; }

    public long ServerRssBytes { get; init; }

    public double DeliveriesPerCpuSecond { get; init; }

    public long Errors { get; init; }

    public long Count { get; init; }

    public double BytesPerUnit { get; init; }

    /// <summary>Webhooks: from an event (its <c>at</c>) to its delivery attempt at the receiver, median and 99th percentile.</summary>
    public double LagP50Ms { get; init; }

    public double LagP99Ms { get; init; }

    /// <summary>Webhooks received while measuring.</summary>
    public long LagCount { get; init; }

    /// <summary>Fan-out: changes acknowledged while measuring.</summary>
    public long Changes { get; init; }

    /// <summary>Fan-out with <c>--redis</c>: the bytes Redis sent (to every client: the instances' writes and subscriptions) per acknowledged change.</summary>
    public double RedisBytesPerChange { get; init; }

    /// <summary>Fan-out with <c>--redis</c>: Redis's CPU milliseconds per acknowledged change.</summary>
    public double RedisCpuMsPerChange { get; init; }
}
