using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallServer.Shutdown;

/// <summary>The <c>draining</c> readiness entry: Unhealthy from the SIGTERM on, so that the load balancer sends no one new here.</summary>
internal sealed class DrainHealthCheck(InstanceDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.Draining ? HealthCheckResult.Unhealthy("draining: this instance is shutting down") : HealthCheckResult.Healthy());
}
