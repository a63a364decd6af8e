using CallServer.Backup;
using CallServer.Domain.Rooms;
using CallServer.Domain.Supervision;
using Microsoft.Extensions.Options;

namespace CallServer.Webhooks;

/// <summary>
/// Delivers room events as webhooks: at least once, in order per room and endpoint, never delaying commands. One instance sends
/// at a time (a lease), so that each room's order holds across instances. It sorts the queued events into lanes (one per
/// endpoint and room), then delivers the head of every due lane, up to <c>Webhooks:MaxConcurrentDeliveries</c> lanes at once: a
/// slow or failing room waits alone. It wakes when events are queued (in Redis: on every status publication), and when a lane ends.
/// It keeps which lanes wait, and where each failing one stands, in memory while it leads (read whole when it takes the lease,
/// and again every <see cref="Resync"/>), so that a wake-up reads only the events it places, not every waiting room. Each
/// endpoint's backlog is bounded by <c>Webhooks:MaxQueuedEvents</c>: beyond it, the oldest heads become dead letters.
/// </summary>
internal sealed partial class WebhookSender(
    IWebhookLanes queue,
    WebhookEndpoints endpoints,
    IWebhookTransport delivery,
    WebhookHealth health,
    Telemetry.ServerMetrics metrics,
    IOptions<WebhooksOptions> options,
    TimeProvider time,
    ILogger<WebhookSender> logger) : ISupervisedService, ILeaderJob
{
    private const int BatchSize = 500;

    /// <summary>How often the leader reads every waiting lane again (lanes redelivered through another instance, for one).</summary>
    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(30);

    private readonly WakeSignal _wake = new();
    private readonly Dictionary<(string Endpoint, string Room), Task<LaneEnd>> _running = [];
    private readonly HashSet<(string Endpoint, string Room)> _placedWhileRunning = [];
    private Dictionary<string, Dictionary<string, WebhookRetry?>>? _waiting;
    private DateTimeOffset _resyncAt;
    private bool _lanesChanged;
    private CancellationTokenSource _leadership = new();

    public async Task RunAsync(CancellationToken stopping)
    {
        WebhooksLog.Delivering(logger, endpoints.All.Count);
        var watch = await queue.WatchAsync(_wake.Set, () =>
        {
            Volatile.Write(ref _lanesChanged, true);
            _wake.Set();
        });
        try
        {
            await new LeaderLoop(this, _wake, time).RunAsync(stopping);
        }
        finally
        {
            // the lanes stop with this run; a restart by the supervisor starts afresh
            await StepDownAsync();
            // bounded, and quiet while Redis does not answer: the lease expires by itself
            await watch.DisposeAsync();
            await StoreFailures.QuietlyAsync(queue.ReleaseLeaseAsync());
        }
    }

    public TimeSpan Lease => TimeSpan.FromSeconds(options.Value.LeaseSeconds);

    public async Task<bool> HoldLeaseAsync(CancellationToken stopping)
    {
        foreach (var (done, lane) in _running.Where(r => r.Value.IsCompleted).ToList())
        {
            _running.Remove(done);
            var refilled = _placedWhileRunning.Remove(done);
            if (_waiting?.GetValueOrDefault(done.Endpoint) is not { } rooms)
            {
                continue;
            }

            switch (lane.IsCompletedSuccessfully ? lane.Result : LaneEnd.Interrupted)
            {
                case { Emptied: true } when !refilled:
                    rooms.Remove(done.Room);
                    break;
                case { Emptied: true }:
                    rooms[done.Room] = null;
                    break;
                case { Retry: { } retry }:
                    rooms[done.Room] = retry;
                    break;
            }
        }

        // while another instance sends, this one's lanes stop (StepDownAsync), ready to take over when that lease runs out
        return await queue.HoldLeaseAsync(Lease);
    }

    public async Task<LeaderRound> RoundAsync(CancellationToken stopping)
    {
        if (_waiting is null || time.GetUtcNow() >= _resyncAt || Interlocked.Exchange(ref _lanesChanged, false))
        {
            await ReadWaitingAsync();
        }

        try
        {
            if (!await DistributeAsync())
            {
                // the lease lapsed during a long distribution: another instance may be sending now
                return LeaderRound.LostLease;
            }

            await BoundBacklogsAsync(options.Value);
        }
        catch (WebhookLeaseLostException)
        {
            return LeaderRound.LostLease;
        }

        return new LeaderRound(StartDueLanes(options.Value, Lease / 3));
    }

    public Task<TimeSpan?> FailedAsync(Exception failure, TimeSpan previousDelay)
    {
        if (!StoreFailures.IsUnavailable(failure))
        {
            return Task.FromResult<TimeSpan?>(null);
        }

        var delay = RetryBackoff.Next(previousDelay, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));
        WebhooksLog.StoreUnavailable(logger, failure, (long)delay.TotalMilliseconds);
        return Task.FromResult<TimeSpan?>(delay);
    }

    /// <summary>Sorts the queued room events into their endpoints' lanes; false when this instance lost the lease meanwhile.</summary>
    private async Task<bool> DistributeAsync()
    {
        while (true)
        {
            var events = await queue.TakeAsync(BatchSize);
            if (events.Count == 0)
            {
                return true;
            }

            // each event read once, for the log, its webhook types and their payloads
            var read = events.Select(e => (Event: e, Fact: e.Fact)).ToList();
            foreach (var (unknown, _) in read.Where(r => r.Fact is UnknownFact))
            {
                WebhooksLog.UnknownEvent(logger, unknown.Type, unknown.CallId, unknown.Seq);
            }

            // each endpoint numbers the webhooks of a call it is given, from 1 without gaps: a receiver checks for loss by it.
            // The counters are placed with the lanes in one step, so that a batch taken again after a crash is numbered the same
            var wanted = read
                .SelectMany(r => WebhookEventTypes.Of(r.Fact, r.Event.ParticipantId)
                    .SelectMany(type => endpoints.All.Where(ep => ep.Takes(type)).Select(ep => (r.Event, r.Fact, Type: type, Endpoint: ep))))
                .ToList();
            var sequences = new Dictionary<(string Endpoint, string CallId), long>(
                await queue.SequencesAsync([.. wanted.Select(w => (w.Endpoint, w.Event.CallId)).Distinct()]));
            var placed = new List<(WebhookEndpoint Endpoint, WebhookMessage Message)>(wanted.Count);
            foreach (var (e, fact, type, endpoint) in wanted)
            {
                var seq = sequences[(endpoint.Id, e.CallId)] += 1;
                placed.Add((endpoint, WebhookMessage.From(e, fact, type, seq)));
            }

            if (!await queue.PlaceAsync(placed, sequences))
            {
                return false;
            }

            foreach (var (endpoint, message) in placed)
            {
                Waiting(endpoint).TryAdd(message.RoomId, null);
                if (_running.ContainsKey((endpoint.Id, message.RoomId)))
                {
                    // a lane that finds itself empty just before this placed its next webhook must not take the room off the list
                    _placedWhileRunning.Add((endpoint.Id, message.RoomId));
                }
            }

            // the lease renewed between the batches of a long backlog
            if (events.Count < BatchSize || !await queue.HoldLeaseAsync(TimeSpan.FromSeconds(options.Value.LeaseSeconds)))
            {
                return events.Count < BatchSize;
            }
        }
    }

    /// <summary>
    /// Starts a delivery for every lane that is due and not running; returns how long until the next retry falls due. Each
    /// endpoint gets its share of <c>Webhooks:MaxConcurrentDeliveries</c>, and rooms are taken in a random order, so that a
    /// failing or slow endpoint (or room) cannot keep the others waiting.
    /// </summary>
    private TimeSpan StartDueLanes(WebhooksOptions settings, TimeSpan longest)
    {
        var now = time.GetUtcNow();
        var wait = longest;
        var share = Math.Max(1, (settings.MaxConcurrentDeliveries + endpoints.All.Count - 1) / endpoints.All.Count);
        var due = new List<(WebhookEndpoint Endpoint, string Room, WebhookRetry? Retry)>[endpoints.All.Count];
        for (var e = 0; e < endpoints.All.Count; e++)
        {
            var endpoint = endpoints.All[e];
            var waiting = Waiting(endpoint);
            var rooms = waiting.Keys.ToArray();
            Random.Shared.Shuffle(rooms);
            due[e] = [];
            foreach (var room in rooms.Where(r => !_running.ContainsKey((endpoint.Id, r))))
            {
                var retry = waiting[room];
                if (retry is not null && retry.NextAttemptAt > now)
                {
                    wait = TimeSpan.FromTicks(Math.Min(wait.Ticks, (retry.NextAttemptAt - now).Ticks));
                }
                else
                {
                    due[e].Add((endpoint, room, retry));
                }
            }
        }

        // first each endpoint up to its share, then whatever the others leave, never beyond the cap: a failing endpoint
        // cannot take every lane, and an idle one lends its share
        for (var pass = 0; pass < 2; pass++)
        {
            for (var e = 0; e < due.Length; e++)
            {
                var running = _running.Keys.Count(k => k.Endpoint == endpoints.All[e].Id);
                while (due[e].Count > 0 && _running.Count < settings.MaxConcurrentDeliveries && (pass == 1 || running < share))
                {
                    var (endpoint, room, retry) = due[e][^1];
                    due[e].RemoveAt(due[e].Count - 1);
                    StartLane(endpoint, room, retry, settings);
                    running++;
                }
            }
        }

        return TimeSpan.FromTicks(Math.Max(wait.Ticks, TimeSpan.FromMilliseconds(10).Ticks));
    }

    private void StartLane(WebhookEndpoint endpoint, string room, WebhookRetry? retry, WebhooksOptions settings)
    {
        var leadership = _leadership.Token;
        Task<LaneEnd> lane;
        using (ExecutionContext.SuppressFlow())
        {
            lane = Task.Run(() => DeliverLaneAsync(endpoint, room, retry, settings, leadership));
        }

        _running[(endpoint.Id, room)] = lane;
        // woken once the lane is complete (not from inside it), so that the loop sees it done and starts the next
        _ = lane.ContinueWith(_ => _wake.Set(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Stops the running lanes (an attempt in flight is cancelled, and made again by whoever leads next), ready to lead again.</summary>
    public async Task StepDownAsync()
    {
        // whoever leads next reads the lanes afresh
        _waiting = null;
        _placedWhileRunning.Clear();
        if (_running.Count > 0)
        {
            try
            {
                await _leadership.CancelAsync();
                // lanes handle their own failures; nothing of theirs may keep this from resetting
                await Task.WhenAll(_running.Values.Select(lane => lane.ContinueWith(_ => { }, TaskScheduler.Default)));
            }
            finally
            {
                _running.Clear();
                _leadership.Dispose();
                _leadership = new CancellationTokenSource();
            }
        }
    }
}
