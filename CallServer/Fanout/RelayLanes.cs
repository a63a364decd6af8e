namespace CallServer.Fanout;

/// <summary>
/// Statuses relayed on a few lanes, each room always on the same lane. A status whose lane is idle is relayed at once, on the
/// reading thread, with no hop through a queue (most group sends complete without waiting). A send that has to wait (a
/// connection's lock held by the answer to one of its calls, or its buffer full) keeps its lane busy: the statuses of that
/// lane's rooms queue behind it in the order they were published, while the rooms of the other lanes go on.
/// </summary>
/// <remarks>The subscription's reader posts the statuses, and new connections their catch-up (<see cref="ConnectionCatchUp"/>):
/// a lane's state changes under its lock.</remarks>
internal sealed class RelayLanes(
    int count, int capacity, Func<RelayItem, CancellationToken, Task> relay, Action<Exception> failed, CancellationToken stopping) : IAsyncDisposable
{
    private readonly Lane[] _lanes = [.. Enumerable.Range(0, count).Select(_ => new Lane())];

    /// <summary>Relays an item now when its room's lane is idle, else queues it behind the lane; once the lane holds its capacity of queued items, waits until it has relayed them all.</summary>
    public ValueTask PostAsync(RelayItem update, CancellationToken cancellationToken)
    {
        var lane = _lanes[(uint)StringComparer.Ordinal.GetHashCode(update.RoomId) % (uint)_lanes.Length];
        lock (lane)
        {
            if (lane.Tail.IsCompleted)
            {
                lane.Queued = 0;
                lane.Tail = RelayAsync(update);
                return ValueTask.CompletedTask;
            }

            if (lane.Queued >= capacity)
            {
                return WaitThenPostAsync(lane, update, cancellationToken);
            }

            lane.Queued++;
            lane.Tail = AfterAsync(lane.Tail, update);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Waits for what the lanes hold to be relayed (or for the stop).</summary>
    public async ValueTask DisposeAsync() => await Task.WhenAll(_lanes.Select(l => l.Tail));

    private async ValueTask WaitThenPostAsync(Lane lane, RelayItem update, CancellationToken cancellationToken)
    {
        await lane.Tail.WaitAsync(cancellationToken);
        await PostAsync(update, cancellationToken);
    }

    private async Task AfterAsync(Task previous, RelayItem update)
    {
        await previous;
        await RelayAsync(update);
    }

    private Task RelayAsync(RelayItem update) => RelayLoop.OneAsync(update, relay, failed, stopping);

    private sealed class Lane
    {
        /// <summary>The last status posted on this lane; the lane is idle once it completed.</summary>
        public Task Tail { get; set; } = Task.CompletedTask;

        /// <summary>Statuses queued behind a busy lane since it was last idle.</summary>
        public int Queued { get; set; }
    }
}
