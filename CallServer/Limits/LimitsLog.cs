namespace CallServer.Limits;

internal static partial class LimitsLog
{
    [LoggerMessage(1, LogLevel.Warning, "Closed the {Count} hub connections of participant {Participant}: {Refused} calls over its rate limit within 10 s; its new connections are refused for {BlockSeconds} s")]
    public static partial void HubFloodClosed(ILogger logger, string participant, int count, int refused, int blockSeconds);

    [LoggerMessage(5, LogLevel.Information, "Refused a hub connection of participant {Participant} from {Client}: {Why}")]
    public static partial void HubConnectRefused(ILogger logger, string participant, string client, string why);

    [LoggerMessage(2, LogLevel.Warning, "Lowered Kestrel's connection limits to {MaxConnections} HTTP and {MaxUpgradedConnections} WebSocket connections, to stay below the open-file limit of {OpenFiles} ({InUse} descriptors in use at start)")]
    public static partial void ConnectionLimitsLowered(ILogger logger, long maxConnections, long maxUpgradedConnections, long openFiles, long inUse);

    [LoggerMessage(3, LogLevel.Debug, "Refused {Policy} request from {Client}: over its rate limit")]
    public static partial void RateLimited(ILogger logger, string policy, string client);

    [LoggerMessage(4, LogLevel.Information, "Closed hub connection {ConnectionId}, the oldest of participant {ParticipantId}: a new one came beyond its {Max} on this instance")]
    public static partial void OldestConnectionClosed(ILogger logger, string participantId, string connectionId, int max);
}
