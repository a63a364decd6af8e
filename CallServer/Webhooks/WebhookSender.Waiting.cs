using CallServer.Backup;
using CallServer.Domain.Supervision;

namespace CallServer.Webhooks;

/// <summary>
/// The sender's view of the waiting lanes while it leads: read from Redis on taking the lease (and every <c>Resync</c>), kept
/// by what it places and how its lanes end, and each endpoint's backlog kept within <c>Webhooks:MaxQueuedEvents</c>.
/// </summary>
internal sealed partial class WebhookSender
{
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
}
