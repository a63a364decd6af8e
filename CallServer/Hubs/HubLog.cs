namespace CallServer.Hubs;

internal static partial class HubLog
{
    [LoggerMessage(1, LogLevel.Debug, "The closing notice ({Reason}) could not be sent; the connection is closed anyway")]
    public static partial void ClosingNoticeFailed(ILogger logger, Exception exception, string reason);
}
