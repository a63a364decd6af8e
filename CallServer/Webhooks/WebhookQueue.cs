using System.Text.Json;
using CallServer.Backup;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms;
using StackExchange.Redis;

namespace CallServer.Webhooks;

/// <summary>
/// The webhooks' durable state in Redis. The backup script pushes every room event onto one queue in the same atomic step as
/// the room's change; the sender (one instance at a time, by a lease) sorts them into one lane per endpoint and room, and a
/// lane's head is removed only once its receiver answered 2xx, or the retry window ran out (it then becomes a dead letter).
/// </summary>
internal sealed class WebhookQueue(IConnectionMultiplexer redis, RedisKeys keys, InstanceIdentity instance, ILogger<WebhookQueue> logger) : IWebhookLanes
{
    /// <summary>Dead letters kept (the oldest go beyond this).</summary>
    public const int MaxDeadLetters = 10_000;

    /// <summary>Delivery attempts kept for <c>GET /webhooks/deliveries</c>.</summary>
    public const int MaxAttempts = 1_000;

    /// <summary>How long an endpoint's counter of a call's webhooks is kept after its last webhook.</summary>
    private const int SequenceTtlSeconds = 7 * 24 * 3600;

    // KEYS: distributing, lease, then (lane, rooms set, backlog counter) per webhook, then a counter per (endpoint, call);
    // ARGV: instance id, the number of webhooks, the counters' TTL, then (room id, entry) per webhook, then each counter's value
    private const string PlaceScript = """
        if redis.call('GET', KEYS[2]) ~= ARGV[1] then
            return 0
        end
        local webhooks = tonumber(ARGV[2])
        for n = 0, webhooks - 1 do
            redis.call('RPUSH', KEYS[3 + n * 3], ARGV[5 + n * 2])
            redis.call('SADD', KEYS[4 + n * 3], ARGV[4 + n * 2])
            redis.call('INCR', KEYS[5 + n * 3])
        end
        for k = 3 + webhooks * 3, #KEYS do
            redis.call('SET', KEYS[k], ARGV[k - webhooks + 1], 'EX', ARGV[3])
        end
        redis.call('DEL', KEYS[1])
        return 1
        """;

    // KEYS: lane, rooms set, retries hash, dead list, lease, backlog counter; ARGV: entry, room id, dead letter ('' for a
    // delivery), dead letter cap, instance id. Returns the lane's next head, nil when the lane is empty (and the room has left
    // the set), or 0 when this instance no longer holds the sender's lease (nothing is removed: the new sender owns the lane).
    private const string RemoveHeadScript = """
        if redis.call('GET', KEYS[5]) ~= ARGV[5] then
            return 0
        end
        -- by value, not LPOP: a crash's replay removes this entry or nothing (ReliableQueueScript)
        if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] and redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
            if ARGV[3] ~= '' then
                redis.call('LPUSH', KEYS[4], ARGV[3])
                redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[4]) - 1)
            end
            redis.call('HDEL', KEYS[3], ARGV[2])
            if redis.call('DECR', KEYS[6]) < 0 then
                redis.call('SET', KEYS[6], 0)
            end
        end
        local next = redis.call('LINDEX', KEYS[1], 0)
        if not next then
            redis.call('SREM', KEYS[2], ARGV[2])
            redis.call('HDEL', KEYS[3], ARGV[2])
        end
        return next
        """;

    // KEYS: dead list, lane, rooms set, backlog counter; ARGV: the dead letter as stored, the entry, the room id
    private const string RedeliverScript = """
        if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then
            return 0
        end
        redis.call('RPUSH', KEYS[2], ARGV[2])
        redis.call('SADD', KEYS[3], ARGV[3])
        redis.call('INCR', KEYS[4])
        return 1
        """;

    private IDatabase Db => redis.GetDatabase();

    public Task<bool> HoldLeaseAsync(TimeSpan ttl) => Db.HoldAsync(keys.WebhookLease, instance, ttl);

    public Task ReleaseLeaseAsync() => Db.ReleaseAsync(keys.WebhookLease, instance);

    /// <summary>
    /// The queue's wake-up channel says that events came into an empty queue (BackupScript.Save). A redelivery, made by
    /// whichever instance an admin asked, is announced on a channel of its own.
    /// </summary>
    public async Task<IAsyncDisposable> WatchAsync(Action onEnqueued, Action onLanesChanged)
    {
        var subscriber = redis.GetSubscriber();
        var enqueued = await subscriber.SubscribeAsync(RedisChannel.Literal(keys.WebhookWake));
        enqueued.OnMessage(_ => onEnqueued());
        var lanes = await subscriber.SubscribeAsync(RedisChannel.Literal(keys.WebhookLanesChannel));
        lanes.OnMessage(_ => onLanesChanged());
        return new Unsubscribe(enqueued, lanes);
    }

    /// <summary>The next room events to sort into lanes, oldest first (while this instance holds the lease).</summary>
    public async Task<IReadOnlyList<RoomEvent>> TakeAsync(int max)
    {
        // the batch a sender took and did not place (it died) comes first, whole, in the same order
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(ReliableQueueScript.Take, [keys.WebhookQueue, keys.WebhookDistributing, keys.WebhookLease], [max, instance.Id]))!;
        var events = new List<RoomEvent>(result.Length);
        foreach (var raw in result.Select(r => (byte[])r!))
        {
            if (Read(raw) is { } e)
            {
                events.Add(e);
                continue;
            }

            // an entry that does not read (another version's, or damaged) is set aside with a log line, never retried: left
            // in the batch, it would stop the sender at every take and every restart
            WebhooksLog.UnreadableEvent(logger, raw.Length);
            await Db.ListRemoveAsync(keys.WebhookDistributing, raw, 1);
        }

        return events;
    }

    public async Task<IReadOnlyDictionary<(string Endpoint, string CallId), long>> SequencesAsync(IReadOnlyList<(WebhookEndpoint Endpoint, string CallId)> calls)
    {
        if (calls.Count == 0)
        {
            return new Dictionary<(string, string), long>();
        }

        var values = await Db.StringGetAsync([.. calls.Select(c => (RedisKey)keys.WebhookSequence(c.Endpoint.Id, c.CallId))]);
        return calls.Select((c, i) => (Key: (c.Endpoint.Id, c.CallId), Value: values[i].TryParse(out long n) ? n : 0))
            .ToDictionary(x => x.Key, x => x.Value);
    }

    /// <summary>Appends the webhooks to their lanes, sets the call counters, and drops the batch they came from, in one step.</summary>
    public async Task<bool> PlaceAsync(
        IReadOnlyList<(WebhookEndpoint Endpoint, WebhookMessage Message)> placed, IReadOnlyDictionary<(string Endpoint, string CallId), long> sequences)
    {
        var scriptKeys = new List<RedisKey> { keys.WebhookDistributing, keys.WebhookLease };
        var args = new List<RedisValue> { instance.Id, placed.Count, SequenceTtlSeconds };
        foreach (var (endpoint, message) in placed)
        {
            scriptKeys.Add(keys.WebhookLane(endpoint.Id, message.RoomId));
            scriptKeys.Add(keys.WebhookRooms(endpoint.Id));
            scriptKeys.Add(keys.WebhookBacklog(endpoint.Id));
            args.Add(message.RoomId);
            args.Add(Entry(message));
        }

        foreach (var ((endpointId, callId), value) in sequences)
        {
            scriptKeys.Add(keys.WebhookSequence(endpointId, callId));
            args.Add(value);
        }

        return (long)await Db.ScriptEvaluateAsync(PlaceScript, [.. scriptKeys], [.. args]) == 1;
    }

    /// <summary>The rooms with webhooks waiting for <paramref name="endpoint"/>.</summary>
    public async Task<string[]> RoomsAsync(WebhookEndpoint endpoint) =>
        [.. (await Db.SetMembersAsync(keys.WebhookRooms(endpoint.Id))).Select(r => r.ToString())];

    public async Task<long> BacklogAsync(WebhookEndpoint endpoint) =>
        (long?)await Db.StringGetAsync(keys.WebhookBacklog(endpoint.Id)) ?? 0;

    public async Task<IReadOnlyList<WebhookHead?>> HeadsAsync(WebhookEndpoint endpoint, IReadOnlyList<string> roomIds)
    {
        var batch = Db.CreateBatch();
        var reads = roomIds.Select(room => batch.ListGetByIndexAsync(keys.WebhookLane(endpoint.Id, room), 0)).ToList();
        batch.Execute();
        return [.. (await Task.WhenAll(reads)).Select(head => WebhookHead.Of((string?)head))];
    }

    /// <summary>The rooms whose next webhook for <paramref name="endpoint"/> failed, and where each stands.</summary>
    public async Task<Dictionary<string, WebhookRetry>> RetriesAsync(WebhookEndpoint endpoint) =>
        (await Db.HashGetAllAsync(keys.WebhookRetries(endpoint.Id))).ToDictionary(
            e => e.Name.ToString(), e => JsonSerializer.Deserialize((byte[])e.Value!, WebhookJson.Default.WebhookRetry)!, StringComparer.Ordinal);

    /// <summary>The next webhook of a room's lane, as stored (to remove exactly it later), or null when the lane is empty.</summary>
    public async Task<WebhookHead?> HeadAsync(WebhookEndpoint endpoint, string roomId) =>
        WebhookHead.Of((string?)await Db.ListGetByIndexAsync(keys.WebhookLane(endpoint.Id, roomId), 0));

    /// <summary>The head was delivered: it leaves its lane, and the room's retry state goes. Returns the next head (null: empty).</summary>
    public Task<WebhookHead?> DeliveredAsync(WebhookEndpoint endpoint, string roomId, string entry) => RemoveHeadAsync(endpoint, roomId, entry, "");

    /// <summary>The head's retry window ran out: it leaves its lane for the dead letters. Returns the next head (null: empty).</summary>
    public Task<WebhookHead?> DeadAsync(WebhookEndpoint endpoint, string roomId, string entry, WebhookDeadLetter letter) =>
        RemoveHeadAsync(endpoint, roomId, entry, JsonSerializer.Serialize(letter, WebhookJson.Default.WebhookDeadLetter));

    /// <summary>The head failed: the room waits until <see cref="WebhookRetry.NextAttemptAt"/>.</summary>
    public Task FailedAsync(WebhookEndpoint endpoint, string roomId, WebhookRetry retry) =>
        Db.HashSetAsync(keys.WebhookRetries(endpoint.Id), roomId, JsonSerializer.Serialize(retry, WebhookJson.Default.WebhookRetry));

    /// <summary>Keeps an attempt for <c>GET /webhooks/deliveries</c> (the latest <see cref="MaxAttempts"/>).</summary>
    public async Task RecordAsync(WebhookAttempt attempt)
    {
        var batch = Db.CreateBatch();
        var pushed = batch.ListLeftPushAsync(keys.WebhookAttempts, JsonSerializer.Serialize(attempt, WebhookJson.Default.WebhookAttempt));
        var trimmed = batch.ListTrimAsync(keys.WebhookAttempts, 0, MaxAttempts - 1);
        batch.Execute();
        await Task.WhenAll(pushed, trimmed);
    }

    public async Task<List<WebhookAttempt>> AttemptsAsync(int limit) =>
        [.. (await Db.ListRangeAsync(keys.WebhookAttempts, 0, limit - 1)).Select(a => JsonSerializer.Deserialize(a.ToString(), WebhookJson.Default.WebhookAttempt)!)];

    public async Task<List<WebhookDeadLetter>> DeadLettersAsync(int limit) =>
        [.. (await DeadLettersStoredAsync(limit)).Select(d => d.Letter)];

    /// <summary>
    /// Puts the dead letters of <paramref name="id"/> (one per endpoint that failed it) back at the end of their room's lanes;
    /// false when there is none (or its endpoint is no longer configured).
    /// </summary>
    public async Task<bool> RedeliverAsync(string id, Func<string, WebhookEndpoint?> endpoint)
    {
        var redelivered = false;
        foreach (var (stored, letter) in await DeadLettersStoredAsync(MaxDeadLetters))
        {
            if (letter.Id == id && endpoint(letter.Endpoint) is { } target)
            {
                redelivered |= (long)await Db.ScriptEvaluateAsync(RedeliverScript,
                    [keys.WebhookDead, keys.WebhookLane(target.Id, letter.RoomId), keys.WebhookRooms(target.Id), keys.WebhookBacklog(target.Id)],
                    [stored, Entry(letter.Message with { Redelivered = true }), letter.RoomId]) == 1;
            }
        }

        if (redelivered)
        {
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(keys.WebhookLanesChannel), id);
        }

        return redelivered;
    }

    private async Task<List<(string Stored, WebhookDeadLetter Letter)>> DeadLettersStoredAsync(int limit) =>
        [.. (await Db.ListRangeAsync(keys.WebhookDead, 0, limit - 1)).Select(d => (d.ToString(), JsonSerializer.Deserialize(d.ToString(), WebhookJson.Default.WebhookDeadLetter)!))];

    private async Task<WebhookHead?> RemoveHeadAsync(WebhookEndpoint endpoint, string roomId, string entry, string deadLetter)
    {
        var next = await Db.ScriptEvaluateAsync(RemoveHeadScript,
            [keys.WebhookLane(endpoint.Id, roomId), keys.WebhookRooms(endpoint.Id), keys.WebhookRetries(endpoint.Id), keys.WebhookDead,
                keys.WebhookLease, keys.WebhookBacklog(endpoint.Id)],
            [entry, roomId, deadLetter, MaxDeadLetters, instance.Id]);
        return next.Resp2Type == ResultType.Integer
            ? throw new WebhookLeaseLostException()
            : WebhookHead.Of((string?)next);
    }

    /// <summary>Bounded, and quiet while Redis does not answer.</summary>
    private sealed class Unsubscribe(params ChannelMessageQueue[] subscriptions) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var subscription in subscriptions)
            {
                await StoreFailures.QuietlyAsync(subscription.UnsubscribeAsync());
            }
        }
    }

    private static RoomEvent? Read(byte[] raw)
    {
        try
        {
            return JsonSerializer.Deserialize(raw, BackupJson.Default.RoomEvent);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Entry(WebhookMessage message) => JsonSerializer.Serialize(message, WebhookJson.Default.WebhookMessage);
}
