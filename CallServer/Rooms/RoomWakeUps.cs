namespace CallServer.Rooms;

/// <summary>
/// The deadlines of hibernated rooms (a join timeout, a reconnect grace), under one timer for all of them: at its deadline a
/// room is handed to <c>onDue</c>, which starts its worker again. An idle room costs this entry, not a worker.
/// </summary>
internal sealed class RoomWakeUps(TimeProvider time) : IDisposable
{
    private readonly PriorityQueue<string, DateTimeOffset> _due = new();
    private readonly Lock _gate = new();
    private Action<string>? _onDue;
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

    /// <summary>Starts handing due rooms to <paramref name="onDue"/>.</summary>
    public void Start(Action<string> onDue)
    {
        _onDue = onDue;
        lock (_gate)
        {
            _armedFor = null;
            Arm();
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

    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            _onDue = null;
        }
    }

    private void OnTimer()
    {
        var due = new List<string>();
        var onDue = _onDue;
        lock (_gate)
        {
            _armedFor = null;
            var now = time.GetUtcNow();
            while (onDue is not null && _due.TryPeek(out var roomId, out var at) && at <= now)
            {
                due.Add(roomId);
                _due.Dequeue();
            }

            Arm();
        }

        // a room woken twice (it was also asked something meanwhile) only looks at its deadlines once more
        due.ForEach(roomId => onDue!(roomId));
    }

    /// <summary>Points the timer at the earliest wake-up (called under the gate).</summary>
    private void Arm()
    {
        if (_onDue is null || !_due.TryPeek(out _, out var next) || next == _armedFor)
        {
            return;
        }

        _armedFor = next;
        var delay = next - time.GetUtcNow();
        _timer ??= time.CreateTimer(static w => ((RoomWakeUps)w!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }
}
