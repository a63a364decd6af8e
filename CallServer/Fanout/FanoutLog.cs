namespace CallServer.Fanout;

internal static partial class FanoutLog
{
    [LoggerMessage(1, LogLevel.Information, "Relaying room statuses from {Channel} to SignalR groups, for the rooms this instance holds connections of")]
    public static partial void Relaying(ILogger logger, string channel);

    [LoggerMessage(2, LogLevel.Warning, "A message could not be relayed")]
    public static partial void RelayFailed(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Debug, "Relay unsubscribe skipped: Redis does not answer")]
    public static partial void UnsubscribeSkipped(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "An instance of an older build listens to {Channel}: statuses and signals are copied there until it is gone (a rolling deploy)")]
    public static partial void LegacyChannelsOn(ILogger logger, string channel);

    [LoggerMessage(5, LogLevel.Information, "No instance listens to {Channel} any more: statuses and signals are no longer copied there")]
    public static partial void LegacyChannelsOff(ILogger logger, string channel);
}
