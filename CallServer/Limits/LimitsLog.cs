namespace CallServer.Limits;

internal static partial class LimitsLog
{
    [LoggerMessage(1, LogLevel.Warning, "Closed hub connection {ConnectionId}: {Refused} calls in a row over its rate limit")]
    public static partial void HubFloodClosed(ILogger logger, string connectionId, int refused);

    [LoggerMessage(2, LogLevel.Warning, "Lowered Kestrel's connection limits to {MaxConnections} HTTP and {MaxUpgradedConnections} WebSocket connections, to stay below the open-file limit of {OpenFiles}")]
    public static partial void ConnectionLimitsLowered(ILogger logger, long maxConnections, long maxUpgradedConnections, long openFiles);

    [LoggerMessage(3, LogLevel.Debug, "Refused {Policy} request from {Client}: over its rate limit")]
    public static partial void RateLimited(ILogger logger, string policy, string client);

    [LoggerMessage(4, LogLevel.Warning, "Refused a hub connection of participant {ParticipantId}: it already holds {Connections} on this instance")]
    public static partial void TooManyConnections(ILogger logger, string participantId, int connections);
}
