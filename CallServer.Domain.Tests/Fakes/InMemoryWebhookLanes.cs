using System.Text.Json;
using CallServer.Domain.Rooms;
using CallServer.Webhooks;

namespace CallServer.Domain.Tests.Fakes;

/// <summary>
/// The webhook sender's lanes in memory, with the Redis scripts' rules: a head leaves its lane only when it is the entry named
/// (delivered or dead), a lane that empties leaves its endpoint's set with its retry state. What the middle tier runs the
/// sender against instead of Redis.
/// </summary>
internal sealed class InMemoryWebhookLanes : IWebhookLanes
{
    private readonly Lock _gate = new();
    private readonly List<RoomEvent> _queue = [];
    private readonly Dictionary<(string Endpoint, string Room), List<string>> _lanes = [];
    private readonly Dictionary<(string Endpoint, string Room), WebhookRetry> _retries = [];
    private readonly List<WebhookDeadLetter> _dead = [];
    private readonly Dictionary<(string Endpoint, string CallId), long> _sequences = [];
    private Action? _onEnqueued;
    private int _roomReads;
    private bool _leaseLost;

    /// <summary>The dead letters, oldest first.</summary>
    public IReadOnlyList<WebhookDeadLetter> Dead
    {
        get
        {
            lock (_gate)
            {
                return [.. _dead];
            }
        }
    }

    /// <summary>How many times the sender read an endpoint's whole list of waiting rooms.</summary>
    public int RoomReads => Volatile.Read(ref _roomReads);

    /// <summary>From now on another instance holds the lease: removals are refused as the Redis script refuses them.</summary>
    public void LoseLease()
    {
        lock (_gate)
        {
            _leaseLost = true;
        }
    }

    /// <summary>Queues room events as the backup script does, and wakes the sender as their status publication would.</summary>
    public void Enqueue(params RoomEvent[] events)
    {
        Action? wake;
        lock (_gate)
        {
            _queue.AddRange(events);
            wake = _onEnqueued;
        }

        wake?.Invoke();
    }

    /// <summary>The ids of the webhooks waiting in a lane, head first.</summary>
    public IReadOnlyList<string> Lane(WebhookEndpoint endpoint, string roomId)
    {
        lock (_gate)
        {
            return [.. _lanes.GetValueOrDefault((endpoint.Id, roomId), []).Select(e => WebhookHead.Of(e)!.Message!.Id)];
        }
    }

    /// <summary>Where a lane's failing head stands, or null.</summary>
    public WebhookRetry? Retry(WebhookEndpoint endpoint, string roomId)
    {
        lock (_gate)
        {
            return _retries.GetValueOrDefault((endpoint.Id, roomId));
        }
    }

    public Task<bool> HoldLeaseAsync(TimeSpan ttl)
    {
        lock (_gate)
        {
            return Task.FromResult(!_leaseLost);
        }
    }

    public Task ReleaseLeaseAsync() => Task.CompletedTask;

    public Task<IAsyncDisposable> WatchAsync(Action onEnqueued, Action onLanesChanged)
    {
        lock (_gate)
        {
            _onEnqueued = onEnqueued;
        }

        return Task.FromResult<IAsyncDisposable>(new Unwatch(this));
    }

    public Task<IReadOnlyList<RoomEvent>> TakeAsync(int max)
    {
        lock (_gate)
        {
            var taken = _queue.Take(max).ToList();
            _queue.RemoveRange(0, taken.Count);
            return Task.FromResult<IReadOnlyList<RoomEvent>>(taken);
        }
    }

    public Task<IReadOnlyDictionary<(string Endpoint, string CallId), long>> SequencesAsync(IReadOnlyList<(WebhookEndpoint Endpoint, string CallId)> calls)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyDictionary<(string, string), long>>(
                calls.Select(c => (c.Endpoint.Id, c.CallId)).Distinct().ToDictionary(k => k, k => _sequences.GetValueOrDefault(k)));
        }
    }

    public Task<bool> PlaceAsync(
        IReadOnlyList<(WebhookEndpoint Endpoint, WebhookMessage Message)> placed, IReadOnlyDictionary<(string Endpoint, string CallId), long> sequences)
    {
        lock (_gate)
        {
            foreach (var (key, value) in sequences)
            {
                _sequences[key] = value;
            }

            foreach (var (endpoint, message) in placed)
            {
                var key = (endpoint.Id, message.RoomId);
                if (!_lanes.TryGetValue(key, out var lane))
                {
                    _lanes[key] = lane = [];
                }

                lane.Add(JsonSerializer.Serialize(message, WebhookJson.Default.WebhookMessage));
            }

            return Task.FromResult(true);
        }
    }

    public Task<long> BacklogAsync(WebhookEndpoint endpoint)
    {
        lock (_gate)
        {
            return Task.FromResult((long)_lanes.Where(l => l.Key.Endpoint == endpoint.Id).Sum(l => l.Value.Count));
        }
    }

    public Task<IReadOnlyList<WebhookHead?>> HeadsAsync(WebhookEndpoint endpoint, IReadOnlyList<string> roomIds)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<WebhookHead?>>([.. roomIds.Select(r => WebhookHead.Of(_lanes.GetValueOrDefault((endpoint.Id, r))?.FirstOrDefault()))]);
        }
    }

    public Task<string[]> RoomsAsync(WebhookEndpoint endpoint)
    {
        Interlocked.Increment(ref _roomReads);
        lock (_gate)
        {
            return Task.FromResult(_lanes.Keys.Where(k => k.Endpoint == endpoint.Id).Select(k => k.Room).ToArray());
        }
    }

    public Task<Dictionary<string, WebhookRetry>> RetriesAsync(WebhookEndpoint endpoint)
    {
        lock (_gate)
        {
            return Task.FromResult(_retries.Where(r => r.Key.Endpoint == endpoint.Id).ToDictionary(r => r.Key.Room, r => r.Value, StringComparer.Ordinal));
        }
    }

    public Task<WebhookHead?> HeadAsync(WebhookEndpoint endpoint, string roomId)
    {
        lock (_gate)
        {
            return Task.FromResult(WebhookHead.Of(_lanes.GetValueOrDefault((endpoint.Id, roomId))?.FirstOrDefault()));
        }
    }

    public Task<WebhookHead?> DeliveredAsync(WebhookEndpoint endpoint, string roomId, string entry) => RemoveHead(endpoint, roomId, entry, null);

    public Task<WebhookHead?> DeadAsync(WebhookEndpoint endpoint, string roomId, string entry, WebhookDeadLetter letter) =>
        RemoveHead(endpoint, roomId, entry, letter);

    public Task FailedAsync(WebhookEndpoint endpoint, string roomId, WebhookRetry retry)
    {
        lock (_gate)
        {
            _retries[(endpoint.Id, roomId)] = retry;
        }

        return Task.CompletedTask;
    }

    public Task RecordAsync(WebhookAttempt attempt) => Task.CompletedTask;

    private Task<WebhookHead?> RemoveHead(WebhookEndpoint endpoint, string roomId, string entry, WebhookDeadLetter? letter)
    {
        lock (_gate)
        {
            if (_leaseLost)
            {
                throw new WebhookLeaseLostException();
            }

            var key = (endpoint.Id, roomId);
            var lane = _lanes.GetValueOrDefault(key) ?? [];
            if (lane.Count > 0 && lane[0] == entry)
            {
                lane.RemoveAt(0);
                if (letter is not null)
                {
                    _dead.Add(letter);
                }

                _retries.Remove(key);
            }

            if (lane.Count == 0)
            {
                _lanes.Remove(key);
                _retries.Remove(key);
                return Task.FromResult<WebhookHead?>(null);
            }

            return Task.FromResult(WebhookHead.Of(lane[0]));
        }
    }

    private sealed class Unwatch(InMemoryWebhookLanes lanes) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            lock (lanes._gate)
            {
                lanes._onEnqueued = null;
            }

            return ValueTask.CompletedTask;
        }
    }
}
