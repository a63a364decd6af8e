namespace CallServer.History;

internal static partial class HistoryLog
{
    [LoggerMessage(1, LogLevel.Information, "History migration {Name} applied ({Dialect})")]
    public static partial void MigrationApplied(ILogger logger, string dialect, string name);

    [LoggerMessage(2, LogLevel.Information, "Call history in {Store}")]
    public static partial void UsingStore(ILogger logger, string store);

    [LoggerMessage(3, LogLevel.Warning, "History store unavailable; {Waiting} events wait in Redis, {Parked} on disk; next try in {DelayMs} ms")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception, long waiting, long parked, long delayMs);

    [LoggerMessage(4, LogLevel.Error, "History database refused a batch (try {Attempt} of {MaxAttempts}); then its refused events go to the dead letters")]
    public static partial void BatchRefused(ILogger logger, Exception exception, int attempt, int maxAttempts);

    [LoggerMessage(5, LogLevel.Debug, "History: {Count} events stored")]
    public static partial void BatchStored(ILogger logger, int count);

    [LoggerMessage(6, LogLevel.Error, "History event {Seq} of call {CallId} refused by the database; moved to the dead letters")]
    public static partial void DeadLettered(ILogger logger, Exception exception, string callId, long seq);

    [LoggerMessage(7, LogLevel.Warning, "History queue over its cap of {Cap} events while the database is down: {Count} events parked in {Dir} ({Parked} parked in all)")]
    public static partial void EventsParked(ILogger logger, long count, int cap, string dir, long parked);

    [LoggerMessage(8, LogLevel.Error, "History events could not be parked on disk; they stay in Redis")]
    public static partial void ParkingFailed(ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Error, "Parked history file {File} is unreadable; set aside as .unreadable")]
    public static partial void ParkedFileUnreadable(ILogger logger, Exception exception, string file);

    [LoggerMessage(11, LogLevel.Information, "History retention: {Calls} calls that ended before {Cutoff:O} removed, with their events, participants and users' rows")]
    public static partial void RetentionRemoved(ILogger logger, long calls, DateTimeOffset cutoff);

    [LoggerMessage(12, LogLevel.Warning, "History retention could not remove old calls; next try in {DelayMs} ms")]
    public static partial void RetentionFailed(ILogger logger, Exception exception, long delayMs);

    [LoggerMessage(13, LogLevel.Information, "Recent calls: {Rows} users' rows made from the calls already in the history")]
    public static partial void RecentCallsBackfilled(ILogger logger, int rows);

    [LoggerMessage(9, LogLevel.Debug, "History writer clean-up skipped: Redis does not answer")]
    public static partial void CleanupSkipped(ILogger logger, Exception exception);
}
