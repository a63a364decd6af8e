namespace CallServer.Media.Kurento;

internal static partial class KurentoLog
{
    [LoggerMessage(1, LogLevel.Information, "Kurento session {SessionId} at {Url} (generation {Generation})")]
    public static partial void SessionOpen(ILogger logger, string sessionId, string url, int generation);

    [LoggerMessage(2, LogLevel.Warning, "Kurento connection lost; reconnecting")]
    public static partial void ConnectionLost(ILogger logger, Exception? exception);

    [LoggerMessage(3, LogLevel.Warning, "Kurento unreachable at {Url}; next try in {DelayMs} ms")]
    public static partial void Unreachable(ILogger logger, Exception exception, string url, long delayMs);

}
