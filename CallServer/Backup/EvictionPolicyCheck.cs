using CallServer.Supervision;
using StackExchange.Redis;

namespace CallServer.Backup;

/// <summary>
/// Warns once at start-up when Redis may evict keys under memory pressure (any <c>maxmemory-policy</c> but <c>noeviction</c>):
/// an evicted room snapshot is a lost call, an evicted liveness key a live instance taken for dead.
/// </summary>
internal sealed class EvictionPolicyCheck(IConnectionMultiplexer redis, ILogger<EvictionPolicyCheck> logger) : ISupervisedService
{
    public async Task RunAsync(CancellationToken stopping)
    {
        RedisResult result;
        try
        {
            result = await redis.GetDatabase().ExecuteAsync("CONFIG", "GET", "maxmemory-policy").WaitAsync(stopping);
        }
        catch (RedisServerException ex)
        {
            // CONFIG is often renamed or disabled on managed Redis
            BackupLog.EvictionPolicyUnknown(logger, ex.Message);
            return;
        }

        var pair = result.Resp2Type == ResultType.Array ? (RedisResult[])result! : [];
        var policy = pair.Length >= 2 ? pair[1].ToString() : null;
        if (string.IsNullOrEmpty(policy))
        {
            BackupLog.EvictionPolicyUnknown(logger, "no maxmemory-policy in CONFIG GET");
        }
        else if (!string.Equals(policy, "noeviction", StringComparison.OrdinalIgnoreCase))
        {
            BackupLog.EvictionPolicyUnsafe(logger, policy);
        }
    }
}
