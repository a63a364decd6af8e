using CallServer.Backup;
using CallServer.Domain.Supervision;

namespace CallServer.Webhooks;

/// <summary>One lane's delivery: its webhooks in order to their receiver, retries with backoff, and dead letters.</summary>
internal sealed partial class WebhookSender
{
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
}
