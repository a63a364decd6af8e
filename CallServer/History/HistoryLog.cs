namespace CallServer.History;

internal static partial class HistoryLog
{
    [LoggerMessage(1, LogLevel.Information, "History migration {Name} applied ({Dialect})")]
    public static partial void MigrationApplied(ILogger logger, string dialect, string name);

    [LoggerMessage(2, LogLevel.Information, "Call history in {Store}")]
    public static partial void UsingStore(ILogger logger, string store);

    [LoggerMessage(3, LogLevel.Warning, "History store unavailable; {Waiting} events wait in Redis, next try in {DelayMs} ms")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception, long waiting, long delayMs);

    [LoggerMessage(4, LogLevel.Error, "History writer failed; retrying in {DelayMs} ms")]
    public static partial void WriterFailed(ILogger logger, Exception exception, long delayMs);

    [LoggerMessage(5, LogLevel.Debug, "History: {Count} events stored")]
    public static partial void BatchStored(ILogger logger, int count);
}
