namespace CallServer.Webhooks;

internal static partial class WebhooksLog
{
    [LoggerMessage(1, LogLevel.Information, "Webhooks: delivering to {Count} endpoint(s)")]
    public static partial void Delivering(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Warning, "Webhook {Id} ({Type}, room {RoomId}) to {Endpoint} failed (attempt {Attempt}): {Error}; next attempt in {DelayMs} ms")]
    public static partial void Failed(ILogger logger, string id, string type, string roomId, Uri endpoint, int attempt, string error, long delayMs);

    [LoggerMessage(3, LogLevel.Error, "Webhook {Id} ({Type}, room {RoomId}) to {Endpoint} is a dead letter after {Attempts} attempts since {FirstFailedAt:u}: {Error}")]
    public static partial void DeadLettered(ILogger logger, string id, string type, string roomId, Uri endpoint, int attempts, DateTimeOffset firstFailedAt, string error);

    [LoggerMessage(5, LogLevel.Error, "Webhooks: the lane of room {RoomId} to {Endpoint} failed; it is tried again later")]
    public static partial void LaneFailed(ILogger logger, Exception exception, Uri endpoint, string roomId);

    [LoggerMessage(4, LogLevel.Warning, "Webhooks: Redis unavailable; retrying in {DelayMs} ms")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception, long delayMs);

    [LoggerMessage(6, LogLevel.Warning, "Webhooks: room event {Seq} of call {CallId} is of a kind this version does not know ({Type}); no webhook sent for it")]
    public static partial void UnknownEvent(ILogger logger, string type, string callId, long seq);

    [LoggerMessage(7, LogLevel.Error, "Webhooks: a queued room event of {Bytes} bytes does not read; it is set aside and the queue goes on")]
    public static partial void UnreadableEvent(ILogger logger, int bytes);

    [LoggerMessage(8, LogLevel.Warning, "Webhooks: dropped the {Dropped} oldest webhooks of Webhooks:Endpoints:{Endpoint} to the dead letters: its backlog ({Backlog}) was over Webhooks:MaxQueuedEvents ({Max})")]
    public static partial void BacklogTrimmed(ILogger logger, int endpoint, int dropped, long backlog, int max);
}
