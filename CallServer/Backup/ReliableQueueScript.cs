namespace CallServer.Backup;

/// <summary>
/// The take of a reliable queue (a list pushed left, its oldest entries moved to an in-flight list before they are handled),
/// shared by the history writer and the webhook sender.
/// </summary>
internal static class ReliableQueueScript
{
    /// <summary>
    /// KEYS: queue, in-flight list, lease. ARGV: how many to move at most, the lease holder.
    /// Returns the in-flight entries, oldest first: what a holder that died left there, else up to ARGV[1] entries moved from
    /// the queue; nothing unless ARGV[2] holds the lease.
    /// </summary>
    /// <remarks>
    /// Entries are removed from the queue by value (LREM), never by position (RPOP, LMOVE): a store's log that replays a removal
    /// by position after a crash can remove another entry than the one that was moved (the embedded store lost history events
    /// that way on kill -9), while a removal by value removes that entry or nothing.
    /// </remarks>
    public const string Take = """
        if redis.call('GET', KEYS[3]) ~= ARGV[2] then
            return {}
        end
        if redis.call('LLEN', KEYS[2]) == 0 then
            local oldest = redis.call('LRANGE', KEYS[1], -tonumber(ARGV[1]), -1)
            for i = #oldest, 1, -1 do
                redis.call('RPUSH', KEYS[2], oldest[i])
                redis.call('LREM', KEYS[1], -1, oldest[i])
            end
        end
        return redis.call('LRANGE', KEYS[2], 0, -1)
        """;
}
