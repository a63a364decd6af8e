namespace CallServer.Backup;

/// <summary>Every Redis key and channel CallServer uses, under one prefix (<c>Redis:KeyPrefix</c>) so that servers can share a Redis.</summary>
internal sealed class RedisKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>Hash of a room's backup: <c>v</c> its version, <c>s</c> its state as JSON.</summary>
    public string Room(string roomId) => $"{Prefix}room:{roomId}";

    /// <summary>The invitations that may ring for an identity (<see cref="RingingIndex"/>).</summary>
    public string UserRinging(string identity) => $"{Prefix}user:{identity}:ringing";

    /// <summary>Set of the ids of rooms whose call is live; read at start-up to bring them back.</summary>
    public string LiveRooms => $"{Prefix}rooms:live";

    /// <summary>List of room events waiting for the history writer (pushed left, taken right).</summary>
    public string HistoryQueue => $"{Prefix}history:queue";

    /// <summary>List of events the history writer took and has not yet committed to its database.</summary>
    public string HistoryInFlight => $"{Prefix}history:inflight";

    /// <summary>List of history events the database refused for good (dead letters), newest first.</summary>
    public string HistoryDeadLetters => $"{Prefix}history:dead";

    /// <summary>String naming the instance that has history parked on its disk: until it has stored it, no other instance writes history.</summary>
    public string HistoryParkedBy => $"{Prefix}history:parked-by";

    /// <summary>String naming the instance whose history writer may take from the queue (a lease with a TTL).</summary>
    public string HistoryLease => $"{Prefix}history:lease";

    /// <summary>String naming the instance whose history retention job removes old calls (a lease with a TTL).</summary>
    public string HistoryRetentionLease => $"{Prefix}history:retention-lease";

    /// <summary>List of room events waiting to be sorted into the webhook lanes (pushed left, taken right).</summary>
    public string WebhookQueue => $"{Prefix}webhooks:queue";

    /// <summary>List of events the webhook sender took and has not yet placed into lanes.</summary>
    public string WebhookDistributing => $"{Prefix}webhooks:distributing";

    /// <summary>String naming the instance whose webhook sender delivers (a lease with a TTL): one sender keeps each room's order.</summary>
    public string WebhookLease => $"{Prefix}webhooks:lease";

    /// <summary>List of one room's webhooks waiting for one endpoint, oldest first.</summary>
    public string WebhookLane(string endpointId, string roomId) => $"{Prefix}webhooks:{endpointId}:lane:{roomId}";

    /// <summary>Set of the rooms with webhooks waiting for one endpoint.</summary>
    public string WebhookRooms(string endpointId) => $"{Prefix}webhooks:{endpointId}:rooms";

    /// <summary>Hash of the rooms whose next webhook for one endpoint failed: room id to its retry state.</summary>
    /// <summary>The channel on which a change to the lanes made outside the sender (a redelivery) is announced.</summary>
    public string WebhookLanesChannel => $"{Prefix}webhooks:lanes-changed";

    public string WebhookBacklog(string endpointId) => $"{Prefix}webhooks:{endpointId}:backlog";

    public string WebhookRetries(string endpointId) => $"{Prefix}webhooks:{endpointId}:retries";

    /// <summary>List of webhooks not delivered within the retry window (dead letters), newest first.</summary>
    public string WebhookDead => $"{Prefix}webhooks:dead";

    /// <summary>How many webhooks of a call an endpoint has been given (its <c>endpointSeq</c>), kept a while after the call.</summary>
    public string WebhookSequence(string endpointId, string callId) => $"{Prefix}webhooks:{endpointId}:seq:{callId}";

    /// <summary>List of the latest delivery attempts, newest first (capped).</summary>
    public string WebhookAttempts => $"{Prefix}webhooks:attempts";

    /// <summary>
    /// Pub/sub channel of one room's status updates (a <c>RoomUpdate</c> JSON each): an instance listens to it while it holds a
    /// connection of the room (docs/ARCHITECTURE.md, "Scale-out").
    /// </summary>
    public string RoomStatusChannel(string roomId) => $"{Prefix}room:{roomId}:status";

    /// <summary>Pub/sub channel of the messages to one participant (signals, data, mutes): heard where its connections are.</summary>
    public string ParticipantChannel(string roomId, string participantId) => $"{Prefix}room:{roomId}:to:{participantId}";

    /// <summary>Pub/sub channel of one user's notices (its invitations' changes): heard where its user-hub devices are.</summary>
    public string UserChannel(string identity) => $"{Prefix}user:{identity}:notices";

    /// <summary>
    /// The one channel of every room's statuses of the builds before issue 29, which still listen to it during a rolling
    /// deploy (<see cref="LegacyCopies"/>).
    /// </summary>
    public string LegacyStatusChannel => $"{Prefix}status";

    /// <summary>The one channel of every participant's signals of the builds before issue 29.</summary>
    public string LegacySignalChannel => $"{Prefix}signal";

    /// <summary>
    /// The channel that wakes an event queue's worker when the queue stops being empty (the write script names it the same
    /// way: <c>KEYS[k] .. ':wake'</c>).
    /// </summary>
    public static string WakeChannel(string queue) => $"{queue}:wake";

    /// <summary>The channel that wakes the history writer when its queue stops being empty.</summary>
    public string HistoryWake => WakeChannel(HistoryQueue);

    /// <summary>The channel that wakes the webhook sender when its queue stops being empty.</summary>
    public string WebhookWake => WakeChannel(WebhookQueue);

    /// <summary>Counter written before a <c>WAIT</c> that must cover other connections' writes too (<c>Redis:AckReplicas</c>).</summary>
    public string AckFence => $"{Prefix}ack-fence";

    /// <summary>String that exists while a server instance is alive (refreshed with a short TTL).</summary>
    public string Instance(string instanceId) => $"{Prefix}instance:{instanceId}";

    /// <summary>Prefix of the idempotency cache entries (the <c>IDistributedCache</c> instance name).</summary>
    public string Idempotency => $"{Prefix}idem:";
}
