namespace CallServer.Media.Sfu;

internal static partial class SfuLog
{
    [LoggerMessage(1, LogLevel.Warning, "The {Mode} session was lost: {Count} calls lost their media and are asked to renegotiate")]
    public static partial void CallsLost(ILogger logger, string mode, int count);
}
