namespace CallServer.Domain.Rooms;

internal static partial class RoomsLog
{
    [LoggerMessage(1, LogLevel.Debug, "Room worker started")]
    public static partial void WorkerStarted(ILogger logger);

    [LoggerMessage(2, LogLevel.Debug, "Room worker stopped: the call is over")]
    public static partial void WorkerStopped(ILogger logger);

    [LoggerMessage(13, LogLevel.Debug, "Room worker hibernated: idle; woken again by its next command or at {WakeAt}")]
    public static partial void WorkerHibernated(ILogger logger, DateTimeOffset? wakeAt);

    [LoggerMessage(3, LogLevel.Error, "Room worker crashed on {Command}; restart {Restarts} of {MaxRestarts} in its window")]
    public static partial void WorkerCrashed(ILogger logger, Exception exception, string command, int restarts, int maxRestarts);

    [LoggerMessage(4, LogLevel.Error, "Room worker exceeded its restart intensity ({MaxRestarts} in {WindowSeconds} s); the call ends as failed")]
    public static partial void RestartIntensityExceeded(ILogger logger, int maxRestarts, int windowSeconds);

    [LoggerMessage(5, LogLevel.Warning, "Room backup unavailable; the worker restarts from its backup when it answers again")]
    public static partial void BackupUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "Restored {Count} live rooms from the backup in {ElapsedMs} ms")]
    public static partial void RoomsRestored(ILogger logger, int count, long elapsedMs);

    [LoggerMessage(8, LogLevel.Information, "Connections of {Count} stopped instances found in the room; their participants are released to their reconnect grace")]
    public static partial void ConnectionsReleased(ILogger logger, int count);

    [LoggerMessage(9, LogLevel.Debug, "Backup held a newer version; reloaded and deciding {Command} again")]
    public static partial void VersionConflict(ILogger logger, string command);

    [LoggerMessage(10, LogLevel.Warning, "A media server event could not be passed on")]
    public static partial void MediaEventLost(ILogger logger, Exception exception);

    [LoggerMessage(11, LogLevel.Warning, "Media server request {Request} failed")]
    public static partial void MediaRequestFailed(ILogger logger, Exception exception, string request);

    [LoggerMessage(13, LogLevel.Warning, "{Command} conflicted with other writers {Attempts} times; handling it again after what waits in the mailbox")]
    public static partial void ChangeDeferred(ILogger logger, string command, int attempts);

    [LoggerMessage(14, LogLevel.Warning, "Participant {ParticipantId} was held as connected through this instance by connection {ConnectionId}, which this instance no longer holds: moved to reconnecting")]
    public static partial void ConnectionLost(ILogger logger, string participantId, string connectionId);

    [LoggerMessage(15, LogLevel.Debug, "A group commit stopped before a change that crashes the room ({Exception}); that change is handled alone next")]
    public static partial void GroupCutShort(ILogger logger, string exception);

    [LoggerMessage(12, LogLevel.Information, "Media of call {CallId} lost; asking {Count} participants to renegotiate")]
    public static partial void RenegotiationAsked(ILogger logger, string callId, int count);
}
