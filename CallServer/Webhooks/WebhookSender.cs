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

    private readonly WakeSignal _wake = new();
    private readonly Dictionary<(string Endpoint, string Room), Task> _running = [];
    private CancellationTokenSource _leadership = new();

    public async Task RunAsync(CancellationToken stopping)
    {
        WebhooksLog.Delivering(logger, endpoints.All.Count);
        var watch = await queue.WatchAsync(_wake.Set);
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
        foreach (var done in _running.Where(r => r.Value.IsCompleted).Select(r => r.Key).ToList())
        {
            _running.Remove(done);
        }

        // while another instance sends, this one's lanes stop (StepDownAsync), ready to take over when that lease runs out
        return await queue.HoldLeaseAsync(Lease);
    }

    public async Task<LeaderRound> RoundAsync(CancellationToken stopping)
    {
        if (!await DistributeAsync())
        {
            // the lease lapsed during a long distribution: another instance may be sending now
            return LeaderRound.LostLease;
        }

        return new LeaderRound(await StartDueLanesAsync(options.Value, Lease / 3));
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
    private async Task<TimeSpan> StartDueLanesAsync(WebhooksOptions settings, TimeSpan longest)
    {
        var now = time.GetUtcNow();
        var wait = longest;
        var share = Math.Max(1, (settings.MaxConcurrentDeliveries + endpoints.All.Count - 1) / endpoints.All.Count);
        var due = new List<(WebhookEndpoint Endpoint, string Room, WebhookRetry? Retry)>[endpoints.All.Count];
        for (var e = 0; e < endpoints.All.Count; e++)
        {
            var endpoint = endpoints.All[e];
            var retries = await queue.RetriesAsync(endpoint);
            var rooms = await queue.RoomsAsync(endpoint);
            Random.Shared.Shuffle(rooms);
            due[e] = [];
            foreach (var room in rooms.Where(r => !_running.ContainsKey((endpoint.Id, r))))
            {
                var retry = retries.GetValueOrDefault(room);
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
        Task lane;
        using (ExecutionContext.SuppressFlow())
        {
            lane = Task.Run(() => DeliverLaneAsync(endpoint, room, retry, settings, leadership));
        }

        _running[(endpoint.Id, room)] = lane;
        // woken once the lane is complete (not from inside it), so that the loop sees it done and starts the next
        _ = lane.ContinueWith(_ => _wake.Set(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Delivers a room's webhooks for one endpoint in order, until its lane is empty or its head fails.</summary>
    private async Task DeliverLaneAsync(WebhookEndpoint endpoint, string room, WebhookRetry? retry, WebhooksOptions settings, CancellationToken leadership)
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
                    return;
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
                        return;
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
                        return;
                    }

                    continue;
                }

                var backoff = Backoff(attempt, settings);
                WebhooksLog.Failed(logger, message.Id, message.Type, room, endpoint.Url, attempt, error, (long)backoff.TotalMilliseconds);
                await queue.FailedAsync(endpoint, room, new WebhookRetry(message.Id, attempt, firstFailedAt, now + backoff, error));
                return;
            }
        }
        catch (Exception ex) when (StoreFailures.IsUnavailable(ex) || ex is OperationCanceledException)
        {
            // the loop starts this lane again once Redis answers (or this instance leads again)
        }
        catch (Exception ex)
        {
            // anything else (a fault of this code, not of the receiver or of Redis): logged, and the lane waits a while rather than spinning
            WebhooksLog.LaneFailed(logger, ex, endpoint.Url, room);
            await StoreFailures.QuietlyAsync(queue.FailedAsync(endpoint, room,
                new WebhookRetry(retry?.Id ?? "", (retry?.Attempts ?? 0) + 1, retry?.FirstFailedAt ?? time.GetUtcNow(), time.GetUtcNow() + Backoff((retry?.Attempts ?? 0) + 1, settings), ex.Message)));
        }
    }

    /// <summary>The delay before attempt <paramref name="attempt"/> + 1.</summary>
    private static TimeSpan Backoff(int attempt, WebhooksOptions settings) =>
        RetryBackoff.After(attempt, TimeSpan.FromMilliseconds(settings.MinBackoffMilliseconds), TimeSpan.FromSeconds(settings.MaxBackoffSeconds));

    /// <summary>Stops the running lanes (an attempt in flight is cancelled, and made again by whoever leads next), ready to lead again.</summary>
    public async Task StepDownAsync()
    {
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
