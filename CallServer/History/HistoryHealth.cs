using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallServer.History;

/// <summary>Degraded while the history writer cannot store events (they wait in Redis meanwhile).</summary>
internal sealed class HistoryHealth : IHealthCheck
{
    private volatile string? _problem = "starting";

    public void Healthy() => _problem = null;

    public void Failing(string problem) => _problem = problem;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_problem is { } problem ? HealthCheckResult.Degraded($"history: {problem}") : HealthCheckResult.Healthy());
}
