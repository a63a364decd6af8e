using CallServer.Domain.Supervision;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallServer.Supervision;

/// <summary>One supervised service in <c>/health/ready</c>: healthy while it runs (or finished its work), down while it waits to be restarted.</summary>
internal sealed class SupervisedServiceHealth(ServiceSupervisor supervisor, string name) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = supervisor.StatusOf(name);
        var result = status switch
        {
            null => HealthCheckResult.Healthy("not started"),
            { LastError: null, Running: false } => HealthCheckResult.Healthy("done"),
            { LastError: null } => HealthCheckResult.Healthy(status.Restarts == 0 ? "running" : $"running; restarted {status.Restarts} times"),
            _ => new HealthCheckResult(
                context.Registration.FailureStatus,
                $"down, restarting ({status.Restarts} restarts{(status.IntensityExceeded ? ", over its restart intensity" : "")}): {status.LastError}"),
        };
        return Task.FromResult(result);
    }
}
