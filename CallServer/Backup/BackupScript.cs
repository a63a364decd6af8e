namespace CallServer.Backup;

/// <summary>The one atomic backup write: compare the version, set the snapshot, queue the events (history, webhooks), publish the status.</summary>
internal static class BackupScript
{
    /// <summary>
    /// KEYS: room hash, live-room set, then every event queue (the history's, and the webhooks' when they are on).
    /// ARGV: expected version, new version, snapshot, room id, live (1/0), retention of an ended room in ms, status channel
    /// (empty: not published here), update, events...
    /// Returns -1 when written, else the version the backup holds (the write was refused).
    /// </summary>
    public const string Save = """
        local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
        if current ~= tonumber(ARGV[1]) then
            return current
        end
        redis.call('HSET', KEYS[1], 'v', ARGV[2], 's', ARGV[3])
        if ARGV[5] == '1' then
            redis.call('SADD', KEYS[2], ARGV[4])
            redis.call('PERSIST', KEYS[1])
        else
            redis.call('SREM', KEYS[2], ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
        end
        for k = 3, #KEYS do
            for i = 9, #ARGV do
                redis.call('LPUSH', KEYS[k], ARGV[i])
            end
        end
        if ARGV[7] ~= '' then
            redis.call('PUBLISH', ARGV[7], ARGV[8])
        end
        return -1
        """;
}
