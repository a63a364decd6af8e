using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallServer.History;

/// <summary>Degraded while the history writer cannot store events (they wait in Redis meanwhile), or while some are parked on disk.</summary>
internal sealed class HistoryHealth : IHealthCheck
{
    private volatile string? _problem = "starting";

    public void Healthy(long parked = 0) =>
        _problem = parked > 0 ? $"{parked} events parked on disk, being stored" : null;

    public void Failing(string problem, long parked = 0) =>
        _problem = parked > 0 ? $"{problem}; {parked} events parked on disk (queue cap reached)" : problem;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_problem is { } problem ? HealthCheckResult.Degraded($"history: {problem}") : HealthCheckResult.Healthy());
}
