using System.Collections.Concurrent;
using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Backup;

/// <summary>
/// What the kill -9 rounds of <see cref="KillNineDurabilityTests"/> hold each restart to: every acknowledged change (the room's
/// version it answered, its call and, for a join, its participant), and the problems met so far.
/// </summary>
internal sealed class KillRoundLedger
{
    private readonly ConcurrentDictionary<(string Room, long Version), bool> _acknowledged = new();
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly ConcurrentDictionary<string, ConcurrentBag<string>> _joins = new();
    private readonly ConcurrentDictionary<string, bool> _calls = new();
    private readonly ConcurrentDictionary<string, bool> _reported = new();
    private int _count;
    private bool _killing;

    public int Count => _count;

    /// <summary>Set just before the kill: a call that fails after it was cut off by the kill.</summary>
    public bool Killing
    {
        get => Volatile.Read(ref _killing);
        set => Volatile.Write(ref _killing, value);
    }

    /// <summary>A call of a burst failed while the server was up: a fault of its own, reported like a loss.</summary>
    public void Failed(string room, Exception error) => _problems.Enqueue($"{room}: {error.GetType().Name} before the kill: {error.Message}");

    public void Acknowledged(string room, RoomStatus status, string? joined = null)
    {
        if (!_acknowledged.TryAdd((room, status.Version), true))
        {
            _problems.Enqueue($"{room}: version {status.Version} acknowledged twice");
        }

        if (status.CallId is { } callId)
        {
            _calls[callId] = true;
            if (joined is not null)
            {
                _joins.GetOrAdd(callId, _ => []).Add(joined);
            }
        }

        Interlocked.Increment(ref _count);
    }

    public long? HighestVersion(string room) =>
        _acknowledged.Keys.Where(k => k.Room == room).Select(k => (long?)k.Version).Max();

    /// <summary>True the first time a problem of a call is reported: a later round reports only its own.</summary>
    public bool FirstReportOf(string problem) => _reported.TryAdd(problem, true);

    public void Forget(string room, long after)
    {
        foreach (var key in _acknowledged.Keys.Where(k => k.Room == room && k.Version > after))
        {
            _acknowledged.TryRemove(key, out _);
        }
    }

    /// <summary>The participants whose join in the call was acknowledged since the last check.</summary>
    public IEnumerable<string> TakeJoinsOf(string callId) => _joins.TryRemove(callId, out var joins) ? joins : [];

    public IEnumerable<string> TakeProblems()
    {
        while (_problems.TryDequeue(out var problem))
        {
            yield return problem;
        }
    }

    /// <summary>The calls acknowledged since the last check (an earlier call's history was checked then).</summary>
    public List<string> TakeCalls()
    {
        var calls = _calls.Keys.ToList();
        _calls.Clear();
        return calls;
    }

    /// <summary>Waits until <paramref name="count"/> more changes are acknowledged, or the bursts end.</summary>
    public async Task WaitForAsync(int count, Task bursts)
    {
        var target = _count + count;
        await Eventually.TrueAsync(() => Task.FromResult(_count >= target || bursts.IsCompleted), $"{count} acknowledged changes");
    }
}
