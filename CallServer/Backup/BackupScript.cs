namespace CallServer.Backup;

/// <summary>The one atomic backup write: compare the version, set the snapshot, queue the events (history, webhooks), publish the status.</summary>
internal static class BackupScript
{
    /// <summary>
    /// KEYS: room hash, live-room set, then every event queue (the history's, and the webhooks' when they are on).
    /// ARGV: expected version, new version, snapshot, room id, live (1/0), retention of an ended room in ms, the room's status
    /// channel (empty: not published here), the number of updates U, the events as one JSON array (empty: not kept, see below),
    /// the U updates (one per change of a group commit, in version order), then the events...
    /// Returns the version the backup holds when the write was refused (≥ 0); when written, -1 - W, where bit k of W says that
    /// the (k+1)-th event queue was empty before this write: its worker is woken on the queue's channel <c>{queue}:wake</c>
    /// (here when the statuses are published here, else by the caller after them), so the workers hear one wake per time
    /// their queue fills, not every status.
    /// </summary>
    /// <remarks>
    /// The embedded store (Garnet) logs a script's commands one by one, not as one transaction, so a process kill can keep a
    /// prefix of it. There the events are also kept in the room's hash (field <c>p</c>) by the same HSET as the snapshot, and
    /// dropped once they are queued: a load that finds <c>p</c> queues them again (<see cref="Repair"/>), so a change that a kill
    /// cut is whole or absent. Before the snapshot, a live room joins the live set, so that a restart loads (and repairs) it.
    /// A Redis server logs a script whole, and is given no <c>p</c>.
    /// </remarks>
    public const string Save = """
        local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
        if current ~= tonumber(ARGV[1]) then
            return current
        end
        if ARGV[5] == '1' then
            redis.call('SADD', KEYS[2], ARGV[4])
        end
        if ARGV[9] ~= '' then
            redis.call('HSET', KEYS[1], 'v', ARGV[2], 's', ARGV[3], 'p', ARGV[9])
        else
            redis.call('HSET', KEYS[1], 'v', ARGV[2], 's', ARGV[3])
        end
        if ARGV[5] == '1' then
            redis.call('PERSIST', KEYS[1])
        else
            redis.call('SREM', KEYS[2], ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
        end
        local updates = tonumber(ARGV[8])
        local woke, bit = 0, 1
        for k = 3, #KEYS do
            local length = 0
            for i = 10 + updates, #ARGV do
                length = redis.call('LPUSH', KEYS[k], ARGV[i])
            end
            if length > 0 and length == #ARGV - 9 - updates then
                woke = woke + bit
            end
            bit = bit * 2
        end
        if ARGV[9] ~= '' then
            redis.call('HDEL', KEYS[1], 'p')
        end
        if ARGV[7] ~= '' then
            for i = 10, 9 + updates do
                redis.call('PUBLISH', ARGV[7], ARGV[i])
            end
            bit = 1
            for k = 3, #KEYS do
                if woke % (bit * 2) >= bit then
                    redis.call('PUBLISH', KEYS[k] .. ':wake', '1')
                end
                bit = bit * 2
            end
        end
        return -1 - woke
        """;

    /// <summary>
    /// Queues the events of a change that a kill cut after its snapshot (the embedded store only, see <see cref="Save"/>).
    /// KEYS: room hash, then every event queue. ARGV: the pending events as stored, then each event.
    /// Returns 1 when they were queued, 0 when the hash no longer holds them (another load queued them first).
    /// </summary>
    public const string Repair = """
        if redis.call('HGET', KEYS[1], 'p') ~= ARGV[1] then
            return 0
        end
        for k = 2, #KEYS do
            for i = 2, #ARGV do
                redis.call('LPUSH', KEYS[k], ARGV[i])
            end
        end
        redis.call('HDEL', KEYS[1], 'p')
        return 1
        """;
}
