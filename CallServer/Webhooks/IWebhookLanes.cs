using CallServer.Domain.Rooms;

namespace CallServer.Webhooks;

/// <summary>
/// Where the webhooks wait, as the sender sees it: the queue of room events, one lane per endpoint and room, the retry state of
/// each lane's head, the dead letters, and the lease that lets one instance send at a time. <see cref="WebhookQueue"/> keeps
/// them in Redis; the middle test tier keeps them in memory.
/// </summary>
internal interface IWebhookLanes
{
    /// <summary>Takes (or renews) the sender's lease; false while another instance holds it.</summary>
    Task<bool> HoldLeaseAsync(TimeSpan ttl);

    Task ReleaseLeaseAsync();

    /// <summary>
    /// Calls <paramref name="onEnqueued"/> whenever new room events may have been queued, and <paramref name="onLanesChanged"/>
    /// when lanes were changed outside the sender (a redelivery), until disposed.
    /// </summary>
    Task<IAsyncDisposable> WatchAsync(Action onEnqueued, Action onLanesChanged);

    /// <summary>The next room events to sort into lanes, oldest first (while this instance holds the lease).</summary>
    Task<IReadOnlyList<RoomEvent>> TakeAsync(int max);

    /// <summary>How many webhooks of each call each endpoint has been given so far (0 for none).</summary>
    Task<IReadOnlyDictionary<(string Endpoint, string CallId), long>> SequencesAsync(IReadOnlyList<(WebhookEndpoint Endpoint, string CallId)> calls);

    /// <summary>
    /// Appends the webhooks to their lanes, sets the endpoints' call counters to <paramref name="sequences"/>, and drops the batch
    /// they came from, in one step; false without the lease.
    /// </summary>
    Task<bool> PlaceAsync(IReadOnlyList<(WebhookEndpoint Endpoint, WebhookMessage Message)> placed, IReadOnlyDictionary<(string Endpoint, string CallId), long> sequences);

    /// <summary>The rooms with webhooks waiting for <paramref name="endpoint"/>.</summary>
    Task<string[]> RoomsAsync(WebhookEndpoint endpoint);

    /// <summary>How many webhooks wait for <paramref name="endpoint"/> in all its lanes.</summary>
    Task<long> BacklogAsync(WebhookEndpoint endpoint);

    /// <summary>The heads of the lanes of <paramref name="roomIds"/> (null where a lane is empty), in one round trip.</summary>
    Task<IReadOnlyList<WebhookHead?>> HeadsAsync(WebhookEndpoint endpoint, IReadOnlyList<string> roomIds);

    /// <summary>The rooms whose next webhook for <paramref name="endpoint"/> failed, and where each stands.</summary>
    Task<Dictionary<string, WebhookRetry>> RetriesAsync(WebhookEndpoint endpoint);

    /// <summary>The next webhook of a room's lane, as stored (to remove exactly it later), or null when the lane is empty.</summary>
    Task<WebhookHead?> HeadAsync(WebhookEndpoint endpoint, string roomId);

    /// <summary>
    /// The head was delivered: it leaves its lane, and the room's retry state goes. Returns the next head (null: empty). Like
    /// <see cref="DeadAsync"/>, fenced by the lease: throws <see cref="WebhookLeaseLostException"/>, removing nothing, once this
    /// instance no longer holds it (an old sender's late answer must not remove what the new sender delivers).
    /// </summary>
    Task<WebhookHead?> DeliveredAsync(WebhookEndpoint endpoint, string roomId, string entry);

    /// <summary>The head's retry window ran out: it leaves its lane for the dead letters. Returns the next head (null: empty).</summary>
    Task<WebhookHead?> DeadAsync(WebhookEndpoint endpoint, string roomId, string entry, WebhookDeadLetter letter);

    /// <summary>The head failed: the room waits until <see cref="WebhookRetry.NextAttemptAt"/>.</summary>
    Task FailedAsync(WebhookEndpoint endpoint, string roomId, WebhookRetry retry);

    /// <summary>Keeps an attempt for <c>GET /webhooks/deliveries</c>.</summary>
    Task RecordAsync(WebhookAttempt attempt);
}
