namespace CallServer.Hubs;

internal static partial class HubLog
{
    [LoggerMessage(1, LogLevel.Debug, "The closing notice ({Reason}) could not be sent; the connection is closed anyway")]
    public static partial void ClosingNoticeFailed(ILogger logger, Exception exception, string reason);

    [LoggerMessage(21, LogLevel.Debug, "Ringing invitation {InvitationId} not sent on connect: {Why}")]
    public static partial void RingingSkipped(ILogger logger, string invitationId, string why);
}
