using CallServer.Domain.Backup;
using CallServer.Domain.Supervision;
using StackExchange.Redis;

namespace CallServer.Backup;

/// <summary>
/// Warns once at start-up when Redis may evict keys under memory pressure (any <c>maxmemory-policy</c> but <c>noeviction</c>):
/// an evicted room snapshot is a lost call, an evicted liveness key a live instance taken for dead. Not for the embedded store.
/// </summary>
internal sealed class EvictionPolicyCheck(RedisConnector connector, ILogger<EvictionPolicyCheck> logger) : ISupervisedService
{
    public async Task RunAsync(CancellationToken stopping)
    {
        if (connector.Embedded)
        {
            return;
        }

        // CONFIG is an admin command: a short-lived connection of its own, so that the others never allow admin commands
        await using var admin = connector.Connect("callserver-check", admin: true);
        var master = admin.GetServers().FirstOrDefault(s => s.IsConnected && !s.IsReplica)
            ?? throw new StoreUnavailableException("No Redis master to read maxmemory-policy from.");
        try
        {
            var policy = (await master.ConfigGetAsync("maxmemory-policy").WaitAsync(stopping)).FirstOrDefault().Value;
            if (string.IsNullOrEmpty(policy))
            {
                BackupLog.EvictionPolicyUnknown(logger, "no maxmemory-policy in CONFIG GET");
            }
            else if (!string.Equals(policy, "noeviction", StringComparison.OrdinalIgnoreCase))
            {
                BackupLog.EvictionPolicyUnsafe(logger, policy);
            }
        }
        catch (RedisServerException ex)
        {
            // CONFIG is often renamed or disabled on managed Redis
            BackupLog.EvictionPolicyUnknown(logger, ex.Message);
        }
    }
}
