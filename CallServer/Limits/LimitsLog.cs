namespace CallServer.Limits;

internal static partial class LimitsLog
{
    [LoggerMessage(1, LogLevel.Warning, "Closed hub connection {ConnectionId}: {Refused} calls over its rate limit within 10 s")]
    public static partial void HubFloodClosed(ILogger logger, string connectionId, int refused);

    [LoggerMessage(2, LogLevel.Warning, "Lowered Kestrel's connection limits to {MaxConnections} HTTP and {MaxUpgradedConnections} WebSocket connections, to stay below the open-file limit of {OpenFiles} ({InUse} descriptors in use at start)")]
    public static partial void ConnectionLimitsLowered(ILogger logger, long maxConnections, long maxUpgradedConnections, long openFiles, long inUse);

    [LoggerMessage(3, LogLevel.Debug, "Refused {Policy} request from {Client}: over its rate limit")]
    public static partial void RateLimited(ILogger logger, string policy, string client);

    [LoggerMessage(4, LogLevel.Information, "Closed hub connection {ConnectionId}, the oldest of participant {ParticipantId}: a new one came beyond its {Max} on this instance")]
    public static partial void OldestConnectionClosed(ILogger logger, string participantId, string connectionId, int max);
}
