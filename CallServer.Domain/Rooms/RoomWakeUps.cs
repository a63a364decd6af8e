namespace CallServer.Rooms;

/// <summary>
/// The deadlines of hibernated rooms (a join timeout, a reconnect grace), waited on by one loop for all of them: at its deadline
/// a room is handed to <c>onDue</c>, which starts its worker again. An idle room costs this entry, not a worker. The entries
/// live here, not in the loop, so that a restarted loop (<see cref="RoomWakeUpLoop"/>) finds every one of them.
/// </summary>
internal sealed class RoomWakeUps(TimeProvider time)
{
    private readonly PriorityQueue<string, DateTimeOffset> _due = new();
    private readonly Lock _gate = new();
    private CancellationTokenSource? _sleep;
    private DateTimeOffset? _sleepingUntil;

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
            if (_sleepingUntil is null || due < _sleepingUntil)
            {
                // the loop sleeps until a later wake-up (or for ever): wake it to sleep less
                _sleep?.Cancel();
            }
        }
    }

    /// <summary>Hands every room whose wake-up is due to <paramref name="onDue"/>, until <paramref name="stopping"/> fires.</summary>
    public async Task RunAsync(Action<string> onDue, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var due = new List<string>();
            TimeSpan wait;
            using var sleep = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            lock (_gate)
            {
                var now = time.GetUtcNow();
                while (_due.TryPeek(out var roomId, out var at) && at <= now)
                {
                    due.Add(roomId);
                    _due.Dequeue();
                }

                var next = _due.TryPeek(out _, out var earliest) ? earliest : (DateTimeOffset?)null;
                // at most a day at a time (a delay takes no more than about 49 days; waking early just looks again)
                wait = next is { } until ? TimeSpan.FromTicks(Math.Min((until - now).Ticks, TimeSpan.FromDays(1).Ticks)) : Timeout.InfiniteTimeSpan;
                if (due.Count == 0)
                {
                    _sleepingUntil = next;
                    _sleep = sleep;
                }
            }

            // a room woken twice (it was also asked something meanwhile) only looks at its deadlines once more
            due.ForEach(onDue);
            if (due.Count > 0)
            {
                continue;
            }

            // woken early by an earlier wake-up (cancelled), or stopping: the loop looks again either way. Never continued inline
            // on the thread of the At() that cancelled it, which holds the gate
            await Task.Delay(wait, time, sleep.Token).ConfigureAwait(ConfigureAwaitOptions.ForceYielding | ConfigureAwaitOptions.SuppressThrowing);
            lock (_gate)
            {
                _sleep = null;
                _sleepingUntil = null;
            }
        }
    }
}
