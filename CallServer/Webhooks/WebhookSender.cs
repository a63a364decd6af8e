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
internal sealed class WebhookSender(
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

    /// <summary>Reads which lanes wait for each endpoint, and where each failing one stands (on taking the lease, then every <see cref="Resync"/>).</summary>
    private async Task ReadWaitingAsync()
    {
        var waiting = new Dictionary<string, Dictionary<string, WebhookRetry?>>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints.All)
        {
            var retries = await queue.RetriesAsync(endpoint);
            waiting[endpoint.Id] = (await queue.RoomsAsync(endpoint)).ToDictionary(r => r, r => retries.GetValueOrDefault(r), StringComparer.Ordinal);
        }

        _waiting = waiting;
        _resyncAt = time.GetUtcNow() + Resync;
    }

    private Dictionary<string, WebhookRetry?> Waiting(WebhookEndpoint endpoint)
    {
        if (!_waiting!.TryGetValue(endpoint.Id, out var rooms))
        {
            _waiting[endpoint.Id] = rooms = new(StringComparer.Ordinal);
        }

        return rooms;
    }

    /// <summary>
    /// Keeps each endpoint's backlog within <c>Webhooks:MaxQueuedEvents</c>: beyond it, the oldest webhooks become dead letters,
    /// taken from the lanes' heads by age, with a log line and the dead-letter metric.
    /// </summary>
    private async Task BoundBacklogsAsync(WebhooksOptions settings)
    {
        if (settings.MaxQueuedEvents == 0)
        {
            return;
        }

        foreach (var endpoint in endpoints.All)
        {
            var backlog = await queue.BacklogAsync(endpoint);
            var excess = backlog - settings.MaxQueuedEvents;
            if (excess <= 0)
            {
                continue;
            }

            // every lane's head, those in flight too (one dropped while its attempt runs may still arrive: the receiver's check
            // of the webhook-id, as for any redelivery, keeps it once), so that what goes is the oldest
            var rooms = Waiting(endpoint).Keys.ToList();
            var oldest = new PriorityQueue<(string Room, WebhookHead Head), DateTimeOffset>();
            var heads = await queue.HeadsAsync(endpoint, rooms);
            for (var i = 0; i < rooms.Count; i++)
            {
                if (heads[i] is { } head)
                {
                    oldest.Enqueue((rooms[i], head), head.Message?.At ?? DateTimeOffset.MinValue);
                }
            }

            var dropped = 0;
            var now = time.GetUtcNow();
            var why = $"the endpoint's backlog ({backlog}) was over Webhooks:MaxQueuedEvents ({settings.MaxQueuedEvents}): the oldest webhooks were dropped";
            while (dropped < excess && oldest.TryDequeue(out var item, out _))
            {
                var (room, head) = item;
                var message = head.Message ?? new WebhookMessage("unreadable", "unreadable", room, head.Entry);
                var next = await queue.DeadAsync(endpoint, room, head.Entry,
                    new WebhookDeadLetter(message.Id, message.Type, room, endpoint.Url.ToString(), 0, now, now, why, message));
                dropped++;
                if (next is not null)
                {
                    // the dropped head's retry state went with it: the next head is due now
                    Waiting(endpoint)[room] = null;
                    oldest.Enqueue((room, next), next.Message?.At ?? DateTimeOffset.MinValue);
                }
                else
                {
                    Waiting(endpoint).Remove(room);
                }
            }

            WebhooksLog.BacklogTrimmed(logger, endpoint.Index, dropped, backlog, settings.MaxQueuedEvents);
            metrics.WebhookDeadLetters.Add(dropped, new KeyValuePair<string, object?>("reason", "backlog"));
        }
    }

    /// <summary>
    /// Delivers a room's webhooks for one endpoint in order, until its lane is empty or its head fails; says which, so that the
    /// sender's list of waiting lanes follows without reading Redis.
    /// </summary>
    private async Task<LaneEnd> DeliverLaneAsync(WebhookEndpoint endpoint, string room, WebhookRetry? retry, WebhooksOptions settings, CancellationToken leadership)
    {
        try
        {
            // each removal answers the lane's next head: one Redis call per webhook besides its record
            var head = await queue.HeadAsync(endpoint, room);
            while (!leadership.IsCancellationRequested)
            {
                if (head is { Message: null } unreadable)
                {
                    // an entry that does not read (written by another version?) is set aside, so that the room goes on
                    WebhooksLog.DeadLettered(logger, "unreadable", "unreadable", room, endpoint.Url, 0, time.GetUtcNow(), "the lane entry does not read");
                    head = await queue.DeadAsync(endpoint, room, unreadable.Entry, new WebhookDeadLetter("unreadable", "unreadable", room, endpoint.Url.ToString(), 0,
                        time.GetUtcNow(), time.GetUtcNow(), "the lane entry does not read", new WebhookMessage("unreadable", "unreadable", room, unreadable.Entry)));
                    continue;
                }

                if (head is not { Entry: var entry, Message: { } message })
                {
                    // empty: the room has left the set (unless an event arrived meanwhile)
                    await queue.DeliveredAsync(endpoint, room, "");
                    return LaneEnd.Empty;
                }

                var earlier = retry?.Id == message.Id ? retry : null;
                var attempt = (earlier?.Attempts ?? 0) + 1;
                var sendAt = time.GetUtcNow();
                metrics.WebhookLag.Record((sendAt - message.At).TotalSeconds);
                var (status, latency, error) = await delivery.SendAsync(endpoint, message, leadership);
                var now = time.GetUtcNow();
                _ = StoreFailures.QuietlyAsync(queue.RecordAsync(new WebhookAttempt(message.Id, message.Type, room, endpoint.Url.ToString(), now, status, latency, error, attempt)));
                if (error is null)
                {
                    health.Succeeded(endpoint);
                    head = await queue.DeliveredAsync(endpoint, room, entry);
                    retry = null;
                    if (head is null)
                    {
                        return LaneEnd.Empty;
                    }

                    continue;
                }

                health.Failed(endpoint, error);
                var firstFailedAt = earlier?.FirstFailedAt ?? now;
                var window = TimeSpan.FromHours(settings.MaxRetryHours);
                // the window runs from the head's first failure, and never beyond the event's own age: behind a long outage, the
                // events queued meanwhile go to the dead letters one attempt each instead of a window each (Redis stays bounded)
                if (now - firstFailedAt >= window || (!message.Redelivered && message.At != default && now - message.At >= window))
                {
                    WebhooksLog.DeadLettered(logger, message.Id, message.Type, room, endpoint.Url, attempt, firstFailedAt, error);
                    metrics.WebhookDeadLetters.Add(1);
                    head = await queue.DeadAsync(endpoint, room, entry,
                        new WebhookDeadLetter(message.Id, message.Type, room, endpoint.Url.ToString(), attempt, firstFailedAt, now, error, message));
                    retry = null;
                    if (head is null)
                    {
                        return LaneEnd.Empty;
                    }

                    continue;
                }

                var backoff = Backoff(attempt, settings);
                WebhooksLog.Failed(logger, message.Id, message.Type, room, endpoint.Url, attempt, error, (long)backoff.TotalMilliseconds);
                var waiting = new WebhookRetry(message.Id, attempt, firstFailedAt, now + backoff, error);
                await queue.FailedAsync(endpoint, room, waiting);
                return LaneEnd.Waiting(waiting);
            }

            return LaneEnd.Interrupted;
        }
        catch (Exception ex) when (StoreFailures.IsUnavailable(ex) || ex is OperationCanceledException or WebhookLeaseLostException)
        {
            // the loop starts this lane again once Redis answers (or this instance leads again); without the lease, another
            // instance sends it now, and this one's late answer removed nothing
            return LaneEnd.Interrupted;
        }
        catch (Exception ex)
        {
            // anything else (a fault of this code, not of the receiver or of Redis): logged, and the lane waits a while rather than spinning
            WebhooksLog.LaneFailed(logger, ex, endpoint.Url, room);
            var waiting = new WebhookRetry(retry?.Id ?? "", (retry?.Attempts ?? 0) + 1, retry?.FirstFailedAt ?? time.GetUtcNow(),
                time.GetUtcNow() + Backoff((retry?.Attempts ?? 0) + 1, settings), ex.Message);
            await StoreFailures.QuietlyAsync(queue.FailedAsync(endpoint, room, waiting));
            return LaneEnd.Waiting(waiting);
        }
    }

    /// <summary>The delay before attempt <paramref name="attempt"/> + 1.</summary>
    private static TimeSpan Backoff(int attempt, WebhooksOptions settings) =>
        RetryBackoff.After(attempt, TimeSpan.FromMilliseconds(settings.MinBackoffMilliseconds), TimeSpan.FromSeconds(settings.MaxBackoffSeconds));

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
