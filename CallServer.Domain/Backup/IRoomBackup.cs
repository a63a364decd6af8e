using CallServer.Domain.Rooms;

namespace CallServer.Domain.Backup;

/// <summary>
/// The talk's BackupServer as the rooms see it: every room's state, written atomically with its events and status. Every
/// method throws <see cref="StoreUnavailableException"/> when the store does not answer (and nothing else for that).
/// </summary>
internal interface IRoomBackup
{
    /// <summary>
    /// The longest a change may wait for its answer, from its ask (the store's timeouts, and a margin for the rest): past it the
    /// caller is told the store is unavailable, to try again. Infinite for a backup that cannot hang.
    /// </summary>
    TimeSpan AnswerWithin { get; }

    /// <summary>The backed-up state of a room, or null when the room has none.</summary>
    Task<RoomState?> LoadAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>The version the backup holds for a room (0 when none).</summary>
    Task<long> StoredVersionAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the changes <paramref name="steps"/> (consecutive versions, the first one after <paramref name="expectedVersion"/>)
    /// if the backup still holds <paramref name="expectedVersion"/>, in one atomic step: the last state, every event in order,
    /// and each change's status in order (a group commit; one step is one change).
    /// </summary>
    Task<BackupWriteResult> SaveAsync(long expectedVersion, IReadOnlyList<BackupStep> steps, TimeSpan endedRetention, CancellationToken cancellationToken);

    /// <summary>Writes one change: <paramref name="next"/> with its events and status.</summary>
    Task<BackupWriteResult> SaveAsync(
        long expectedVersion, RoomState next, IReadOnlyList<RoomEvent> events, TimeSpan endedRetention, CancellationToken cancellationToken) =>
        SaveAsync(expectedVersion, [new BackupStep(next, events)], endedRetention, cancellationToken);

    /// <summary>The ids of every room whose call is live.</summary>
    IAsyncEnumerable<string> LiveRoomIdsAsync(CancellationToken cancellationToken);

    /// <summary>Of the given instance ids, those whose liveness key is gone.</summary>
    Task<IReadOnlySet<string>> DeadInstancesAsync(IEnumerable<string> instanceIds, CancellationToken cancellationToken);
}
