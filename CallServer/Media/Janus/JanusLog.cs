namespace CallServer.Media.Janus;

internal static partial class JanusLog
{
    [LoggerMessage(1, LogLevel.Information, "Janus session {SessionId} open at {Url}")]
    public static partial void SessionOpen(ILogger logger, long sessionId, string url);

    [LoggerMessage(2, LogLevel.Warning, "Janus connection lost; reconnecting")]
    public static partial void ConnectionLost(ILogger logger, Exception? exception);

    [LoggerMessage(3, LogLevel.Warning, "Janus unreachable at {Url}; next try in {DelayMs} ms")]
    public static partial void Unreachable(ILogger logger, Exception exception, string url, long delayMs);

    [LoggerMessage(5, LogLevel.Debug, "Janus event on handle {HandleId}: {Event}")]
    public static partial void Event(ILogger logger, long handleId, string @event);

    [LoggerMessage(9, LogLevel.Warning, "Janus VideoRoom {Room} could not be destroyed")]
    public static partial void CloseFailed(ILogger logger, Exception exception, long room);
}
