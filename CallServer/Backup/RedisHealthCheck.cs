using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace CallServer.Backup;

/// <summary>Ready only while the backup store answers, on every connection changes go through (with replica acknowledgement, its own too).</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis, AckedWrites acked) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            if (acked.Enabled)
            {
                await acked.Database.PingAsync().WaitAsync(cancellationToken);
            }

            return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (StoreFailures.IsUnavailable(ex))
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.", ex);
        }
    }
}
