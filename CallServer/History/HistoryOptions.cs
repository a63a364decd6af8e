using System.ComponentModel.DataAnnotations;

namespace CallServer.History;

/// <summary>The history writer (<c>History:*</c>); the database is <c>ConnectionStrings:Postgres</c>, else SQLite in the data dir.</summary>
internal sealed class HistoryOptions
{
    public const string Section = "History";

    /// <summary>Events stored per transaction.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>How long the writer lets events gather after it wakes, so that a busy server stores them in few large batches.</summary>
    [Range(0, 5000)]
    public int LingerMilliseconds { get; set; } = 100;

    /// <summary>The longest wait between tries while the database is down.</summary>
    [Range(1, 300)]
    public int MaxRetryDelaySeconds { get; set; } = 10;

    /// <summary>How long the writer lease lasts without renewal; another instance takes over after it.</summary>
    [Range(2, 600)]
    public int LeaseSeconds { get; set; } = 15;

    /// <summary>
    /// The cap of the history queue in Redis while the database is down: beyond it, the oldest events are parked on the writer's
    /// disk (<c>{DataDir}/history-parked</c>) and stored first once the database answers.
    /// </summary>
    [Range(100, 100_000_000)]
    public int MaxQueuedEvents { get; set; } = 100_000;

    /// <summary>How many times a batch the database refuses (not unavailable: refuses) is tried before its refused events go to the dead letters.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Calls that ended more than this many days ago are removed from the history (with their events, participants and users'
    /// recent-call rows), in small batches, by one instance at a time, at start and every hour. 0 keeps every call.
    /// </summary>
    [Range(0, 36_500)]
    public int RetentionDays { get; set; }
}
