namespace CallServer.Domain.Supervision;

internal static partial class SupervisionLog
{
    [LoggerMessage(1, LogLevel.Error, "Service {Service} crashed; restart {Restarts} in its window, in {DelayMs} ms")]
    public static partial void ServiceCrashed(ILogger logger, Exception exception, string service, int restarts, long delayMs);

    [LoggerMessage(2, LogLevel.Critical, "Service {Service} exceeded its restart intensity ({MaxRestarts} in {WindowSeconds} s); it keeps restarting every {DelayMs} ms")]
    public static partial void RestartIntensityExceeded(ILogger logger, string service, int maxRestarts, int windowSeconds, long delayMs);

    [LoggerMessage(3, LogLevel.Information, "Service {Service} restarted")]
    public static partial void ServiceRestarted(ILogger logger, string service);

    [LoggerMessage(4, LogLevel.Debug, "Service {Service} finished")]
    public static partial void ServiceFinished(ILogger logger, string service);

    [LoggerMessage(5, LogLevel.Warning, "Service {Service} killed on request; the supervisor restarts it")]
    public static partial void ServiceKilled(ILogger logger, string service);
}
