namespace CallServer.Backup;

internal static partial class BackupLog
{
    [LoggerMessage(1, LogLevel.Information, "Embedded Redis-compatible store (Garnet) listening on 127.0.0.1:{Port}, data in {DataDir}")]
    public static partial void EmbeddedStoreStarted(ILogger logger, int port, string dataDir);

    [LoggerMessage(2, LogLevel.Information, "Connection {Client} to Redis at {Endpoint} (Sentinel service {ServiceName})")]
    public static partial void UsingRedis(ILogger logger, string client, string endpoint, string serviceName);

    [LoggerMessage(3, LogLevel.Warning, "Instance heartbeat failed")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "Backup write for room {RoomId} refused: expected version {Expected}, backup holds {Actual}")]
    public static partial void WriteRefused(ILogger logger, string roomId, long expected, long actual);

    [LoggerMessage(7, LogLevel.Warning, "Status of room {RoomId} not published (its change is acknowledged; the room's next status carries it)")]
    public static partial void StatusNotPublished(ILogger logger, Exception exception, string roomId);

    [LoggerMessage(5, LogLevel.Warning, "Redis maxmemory-policy is {Policy}: under memory pressure Redis may evict room snapshots and liveness keys. Set maxmemory-policy noeviction (writes then fail with 503 when memory is full, and nothing acknowledged is lost)")]
    public static partial void EvictionPolicyUnsafe(ILogger logger, string policy);

    [LoggerMessage(6, LogLevel.Information, "Could not read Redis's maxmemory-policy ({Reason}); make sure it is noeviction")]
    public static partial void EvictionPolicyUnknown(ILogger logger, string reason);

    [LoggerMessage(8, LogLevel.Warning, "Room {RoomId}: {Count} events of a change cut by a crash of the embedded store queued again")]
    public static partial void PendingEventsQueued(ILogger logger, string roomId, int count);

    [LoggerMessage(9, LogLevel.Warning, "The index of ringing invitations was not updated (the change itself is acknowledged; the user hub asks each room)")]
    public static partial void RingingIndexSkipped(ILogger logger, Exception exception);
}
