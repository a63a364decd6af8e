namespace CallServer.Shutdown;

internal static partial class ShutdownLog
{
    [LoggerMessage(1, LogLevel.Information, "Draining: readiness is false, new rooms and connections are refused; telling {Connections} hub connection(s) to reconnect elsewhere (within {DrainSeconds} s)")]
    public static partial void Draining(ILogger logger, int connections, int drainSeconds);

    [LoggerMessage(2, LogLevel.Information, "Drained: {Queued} command(s) still queued, {Connections} connection(s) still open")]
    public static partial void Drained(ILogger logger, int queued, int connections);
}
