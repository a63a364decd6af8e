using System.Runtime.CompilerServices;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms;

namespace CallServer.Domain.Tests.Fakes;

/// <summary>The backup port in memory, with its compare-and-set: what the middle tier runs workers against instead of Redis.</summary>
internal sealed class InMemoryRoomBackup : IRoomBackup
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RoomState> _rooms = new(StringComparer.Ordinal);
    private readonly List<RoomEvent> _events = [];

    /// <summary>The backed-up state of a room, or null.</summary>
    public RoomState? this[string roomId]
    {
        get
        {
            lock (_gate)
            {
                return _rooms.GetValueOrDefault(roomId);
            }
        }
    }

    /// <summary>Every event written, in order.</summary>
    public IReadOnlyList<RoomEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public Task<RoomState?> LoadAsync(string roomId, CancellationToken cancellationToken) => Task.FromResult(this[roomId]);

    public Task<long> StoredVersionAsync(string roomId, CancellationToken cancellationToken) => Task.FromResult(this[roomId]?.Version ?? 0);

    /// <summary>Infinite unless a test bounds the answers.</summary>
    public TimeSpan AnswerWithin { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>While set, every write waits for it: a store that hangs, so that the worker's mailbox fills.</summary>
    public Task? Stall { get; set; }

    /// <summary>Set: the next group write (two changes or more) throws it, as a store error that is not an outage would.</summary>
    public Exception? GroupWriteFailure
    {
        get => Volatile.Read(ref _groupWriteFailure);
        set => Volatile.Write(ref _groupWriteFailure, value);
    }

    private Exception? _groupWriteFailure;

    /// <summary>How many of the next group writes (two changes or more) find that another instance wrote the room first.</summary>
    public int GroupWritesInterleaved { get; set; }

    /// <summary>How many of the next writes find that another instance wrote the room first (its version moved on).</summary>
    public int WritesInterleaved { get; set; }

    /// <summary>How many writes reached the store (a group commit is one), and the versions each wrote.</summary>
    public IReadOnlyList<IReadOnlyList<long>> Writes
    {
        get
        {
            lock (_gate)
            {
                return [.. _writes];
            }
        }
    }

    private readonly List<IReadOnlyList<long>> _writes = [];

    public async Task<BackupWriteResult> SaveAsync(long expectedVersion, IReadOnlyList<BackupStep> steps, TimeSpan endedRetention, CancellationToken cancellationToken)
    {
        var next = steps[^1].Next;
        if (Stall is { } stall)
        {
            await stall.WaitAsync(cancellationToken);
        }

        if (steps.Count > 1 && Interlocked.Exchange(ref _groupWriteFailure, null) is { } failure)
        {
            throw failure;
        }

        lock (_gate)
        {
            var stored = _rooms.GetValueOrDefault(next.RoomId);
            if (GroupWritesInterleaved > 0 && steps.Count > 1 && stored is not null)
            {
                GroupWritesInterleaved--;
                _rooms[next.RoomId] = stored = stored with { Version = stored.Version + 1 };
            }

            if (WritesInterleaved > 0 && stored is not null)
            {
                WritesInterleaved--;
                _rooms[next.RoomId] = stored = stored with { Version = stored.Version + 1 };
            }

            var current = stored?.Version ?? 0;
            if (current != expectedVersion)
            {
                return new BackupWriteResult(false, current);
            }

            _rooms[next.RoomId] = next;
            _events.AddRange(steps.SelectMany(step => step.Events));
            _writes.Add([.. steps.Select(step => step.Next.Version)]);
            return new BackupWriteResult(true, next.Version);
        }
    }

    public async IAsyncEnumerable<string> LiveRoomIdsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<string> live;
        lock (_gate)
        {
            live = [.. _rooms.Values.Where(r => r.IsLive).Select(r => r.RoomId)];
        }

        foreach (var id in live)
        {
            await Task.Yield();
            yield return id;
        }
    }

    /// <summary>The instances whose liveness key has expired (killed, or stopped without releasing their connections).</summary>
    public HashSet<string> DeadInstances { get; } = new(StringComparer.Ordinal);

    /// <summary>Stores a room as another instance left it.</summary>
    public void Put(RoomState state)
    {
        lock (_gate)
        {
            _rooms[state.RoomId] = state;
        }
    }

    public Task<IReadOnlySet<string>> DeadInstancesAsync(IEnumerable<string> instanceIds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlySet<string>>(instanceIds.Where(DeadInstances.Contains).ToHashSet(StringComparer.Ordinal));
        }
    }
}
