using System.Threading.Channels;

namespace CallServer.Fanout;

/// <summary>
/// Statuses relayed on a few lanes at once, each room always on the same lane: a connection whose write has to wait (its lock
/// held by the answer to one of its calls, or its buffer full) holds up the rooms of its lane only, not every room of the
/// instance, and each room's statuses still go out in the order they were published.
/// </summary>
internal sealed class RelayLanes : IAsyncDisposable
{
    private readonly Channel<PublishedStatus>[] _lanes;
    private readonly Task[] _relaying;

    public RelayLanes(int count, int capacity, Func<PublishedStatus, CancellationToken, Task> relay, Action<Exception> failed, CancellationToken stopping)
    {
        _lanes = new Channel<PublishedStatus>[count];
        _relaying = new Task[count];
        for (var i = 0; i < count; i++)
        {
            var lane = Channel.CreateBounded<PublishedStatus>(
                new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
            _lanes[i] = lane;
            _relaying[i] = Task.Run(() => RelayLoop.EachAsync(lane.Reader.ReadAllAsync(), relay, failed, stopping), CancellationToken.None);
        }
    }

    /// <summary>Queues a status on its room's lane; waits only while that lane is full.</summary>
    public ValueTask PostAsync(PublishedStatus update, CancellationToken cancellationToken) =>
        _lanes[(uint)StringComparer.Ordinal.GetHashCode(update.RoomId) % (uint)_lanes.Length].Writer.WriteAsync(update, cancellationToken);

    /// <summary>Takes no more statuses and waits for the lanes to relay what they hold (or for the stop).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }

        await Task.WhenAll(_relaying);
    }
}
