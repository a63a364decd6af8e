using CallServer.Domain.Supervision;
namespace CallServer.Domain.Rooms;

/// <summary>
/// The deadlines of hibernated rooms (a join timeout, a reconnect grace), under one timer for all of them: at its deadline a
/// room is handed to the supervised <see cref="RoomWakeUpLoop"/>, which starts its worker again. An idle room costs this
/// entry, not a worker. The entries and the timer live here, not in the loop, so that a restarted loop finds every one of
/// them, and a wake-up is armed the moment it is asked for.
/// </summary>
internal sealed class RoomWakeUps(TimeProvider time) : IDisposable
{
    private readonly PriorityQueue<string, DateTimeOffset> _due = new();
    private readonly Lock _gate = new();
    private readonly WakeSignal _signal = new();
    private ITimer? _timer;
    private DateTimeOffset? _armedFor;

    /// <summary>How many wake-ups are waiting.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _due.Count;
            }
        }
    }

    /// <summary>Wakes <paramref name="roomId"/> at <paramref name="due"/> (at once when it has passed).</summary>
    public void At(string roomId, DateTimeOffset due)
    {
        lock (_gate)
        {
            _due.Enqueue(roomId, due);
            Arm();
        }
    }

    /// <summary>Hands every room whose wake-up is due to <paramref name="onDue"/>, until <paramref name="stopping"/> fires.</summary>
    public async Task RunAsync(Action<string> onDue, CancellationToken stopping)
    {
        while (true)
        {
            var due = new List<string>();
            lock (_gate)
            {
                var now = time.GetUtcNow();
                while (_due.TryPeek(out var roomId, out var at) && at <= now)
                {
                    due.Add(roomId);
                    _due.Dequeue();
                }

                _armedFor = null;
                Arm();
            }

            // a room woken twice (it was also asked something meanwhile) only looks at its deadlines once more
            due.ForEach(onDue);
            await _signal.WaitAsync(stopping);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>Points the timer at the earliest wake-up (called under the gate).</summary>
    private void Arm()
    {
        if (!_due.TryPeek(out _, out var next) || next == _armedFor)
        {
            return;
        }

        _armedFor = next;
        _timer ??= time.CreateTimer(static w => ((WakeSignal)w!).Set(), _signal, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(TimerDelay.Until(next, time), Timeout.InfiniteTimeSpan);
    }
}
