using CallServer.Domain.Backup;
using StackExchange.Redis;

namespace CallServer.Backup;

/// <summary>
/// Leases in Redis that this instance holds by its id, with a TTL, so that one instance at a time does a job (the history
/// writer, the webhook sender); a lease that is not renewed runs out, and another instance takes the job over.
/// </summary>
internal static class RedisLeases
{
    // KEYS[1] the lease; KEYS[2], when given, a key naming the one instance that alone may take it while that instance lives
    // (ARGV[3] .. its id: its liveness key): the reservation of an instance that died goes with it
    private const string HoldScript = """
        if KEYS[2] then
            local only = redis.call('GET', KEYS[2])
            if only and only ~= ARGV[1] then
                if redis.call('EXISTS', ARGV[3] .. only) == 1 then
                    return 0
                end
                redis.call('DEL', KEYS[2])
            end
        end
        local holder = redis.call('GET', KEYS[1])
        if holder == ARGV[1] then
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
        end
        if not holder then
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return 1
        end
        return 0
        """;

    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    /// <summary>Takes or renews <paramref name="lease"/> for <paramref name="ttl"/>; false while another instance holds it, or while <paramref name="reservedFor"/> names another.</summary>
    /// <param name="liveness">With <paramref name="reservedFor"/>: the prefix of the instances' liveness keys (<see cref="RedisKeys.Instance"/>).</param>
    public static async Task<bool> HoldAsync(
        this IDatabase db, RedisKey lease, InstanceIdentity instance, TimeSpan ttl, RedisKey? reservedFor = null, string liveness = "") =>
        (long)await db.ScriptEvaluateAsync(
            HoldScript, reservedFor is { } only ? [lease, only] : [lease], [instance.Id, (long)ttl.TotalMilliseconds, liveness]) == 1;

    /// <summary>Deletes <paramref name="key"/> if it still names this instance (a lease it gives back, a mark it set).</summary>
    public static Task ReleaseAsync(this IDatabase db, RedisKey key, InstanceIdentity instance) =>
        db.ScriptEvaluateAsync(ReleaseScript, [key], [instance.Id]);
}
