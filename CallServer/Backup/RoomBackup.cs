using System.Buffers;
using System.Text.Json;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms;
using CallServer.Domain.Telemetry;
using CallServer.Webhooks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallServer.Backup;

/// <summary>The BackupServer of the talk: keeps every room's state in Redis and writes each change atomically with its events and status.</summary>
internal sealed class RoomBackup(
    IConnectionMultiplexer redis, RedisKeys keys, AckedWrites acked, IOptions<WebhooksOptions> webhooks, Telemetry.ServerMetrics metrics,
    EmbeddedLog embeddedLog, IOptions<RedisOptions> redisOptions, RingingIndex ringing, LegacyCopies legacy, ILogger<RoomBackup> logger) : IRoomBackup
{
    /// <summary>Redis:TimeoutMs, Redis:AckReplicasTimeoutMs when replicas confirm, and 2 s for the rest (docs/API.md §4).</summary>
    public TimeSpan AnswerWithin { get; } = TimeSpan.FromMilliseconds(
        redisOptions.Value.TimeoutMs + (redisOptions.Value.AckReplicas > 0 ? redisOptions.Value.AckReplicasTimeoutMs : 0) + 2000);

    private static readonly RedisValue[] SnapshotFields = ["s", "p"];

    /// <summary>The status is published by the script, unless the change must first be confirmed (replicas, the embedded store's log).</summary>
    private readonly bool _publishAfter = acked.Enabled || embeddedLog.Enabled;

    /// <summary>Where every event goes, in the same step as the change: the history's queue, and the webhooks' when they are on.</summary>
    private readonly RedisKey[] _eventQueues = webhooks.Value.Enabled ? [keys.HistoryQueue, keys.WebhookQueue] : [keys.HistoryQueue];

    private IDatabase Db => redis.GetDatabase();

    public Task<RoomState?> LoadAsync(string roomId, CancellationToken cancellationToken) =>
        Guarded(() => LoadCoreAsync(roomId, cancellationToken));

    public Task<long> StoredVersionAsync(string roomId, CancellationToken cancellationToken) =>
        Guarded(() => StoredVersionCoreAsync(roomId, cancellationToken));

    public Task<BackupWriteResult> SaveAsync(long expectedVersion, IReadOnlyList<BackupStep> steps, TimeSpan endedRetention, CancellationToken cancellationToken) =>
        Guarded(() => SaveCoreAsync(expectedVersion, steps, endedRetention, cancellationToken));

    public Task<IReadOnlySet<string>> DeadInstancesAsync(IEnumerable<string> instanceIds, CancellationToken cancellationToken) =>
        Guarded(() => DeadInstancesCoreAsync(instanceIds, cancellationToken));

    /// <summary>The ids of every room whose call is live.</summary>
    public async IAsyncEnumerable<string> LiveRoomIdsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var ids = Db.SetScanAsync(keys.LiveRooms, pageSize: 1000).GetAsyncEnumerator(cancellationToken);
        while (await Guarded(async () => await ids.MoveNextAsync()))
        {
            yield return ids.Current.ToString();
        }
    }

    /// <summary>The backed-up state of a room, or null when the room has none; with <c>Redis:AckReplicas</c>, once replicas hold it.</summary>
    private async Task<RoomState?> LoadCoreAsync(string roomId, CancellationToken cancellationToken)
    {
        var fields = await Db.HashGetAsync(keys.Room(roomId), SnapshotFields).WaitAsync(cancellationToken);
        var state = await ReadAsync(roomId, fields);
        if (acked.Enabled && state is not null)
        {
            // the snapshot may be a change whose confirmation failed (here or on another instance): answering from it would
            // acknowledge what a failover can lose. Once replicas hold it, its status goes out (it may never have been published)
            await acked.ConfirmAllAsync(cancellationToken);
            await PublishQuietlyAsync(new RoomUpdate(RoomStatus.From(state), state.IsLive ? null : state.EndReason), roomId);
        }

        return state;
    }

    /// <summary>The version the backup holds for a room (0 when none).</summary>
    private async Task<long> StoredVersionCoreAsync(string roomId, CancellationToken cancellationToken)
    {
        var version = await Db.HashGetAsync(keys.Room(roomId), "v").WaitAsync(cancellationToken);
        return version.IsNullOrEmpty ? 0 : (long)version;
    }

    /// <summary>
    /// Writes the changes <paramref name="steps"/> if the backup still holds <paramref name="expectedVersion"/>, in one step: the
    /// last snapshot, every event, and each change's status in order.
    /// </summary>
    private async Task<BackupWriteResult> SaveCoreAsync(
        long expectedVersion, IReadOnlyList<BackupStep> steps, TimeSpan endedRetention, CancellationToken cancellationToken)
    {
        var next = steps[^1].Next;
        var eventCount = steps.Sum(step => step.Events.Count);
        var first = 9 + steps.Count;
        var args = new RedisValue[first + eventCount];
        args[0] = expectedVersion;
        args[1] = next.Version;
        args[2] = JsonSerializer.SerializeToUtf8Bytes(next, BackupJson.Default.RoomState);
        args[3] = next.RoomId;
        args[4] = next.IsLive ? 1 : 0;
        args[5] = (long)endedRetention.TotalMilliseconds;
        // acknowledged by replicas or by the embedded store's log: the statuses are published only once they hold the change,
        // never a version that may be lost
        args[6] = _publishAfter ? "" : keys.RoomStatusChannel(next.RoomId);
        args[7] = steps.Count;
        var e = first;
        for (var i = 0; i < steps.Count; i++)
        {
            args[9 + i] = JsonSerializer.SerializeToUtf8Bytes(RoomUpdate.Of(steps[i].Next, steps[i].Events), BackupJson.Default.RoomUpdate);
            foreach (var ev in steps[i].Events)
            {
                args[e++] = JsonSerializer.SerializeToUtf8Bytes(ev, BackupJson.Default.RoomEvent);
            }
        }

        // the embedded store may keep a prefix of a script after a kill: there a change also keeps its events in the hash until
        // they are queued (BackupScript.Save)
        args[8] = embeddedLog.Enabled && eventCount > 0 ? PendingEvents(args.AsSpan(first)) : "";

        // not cancelled half-way: the write is one atomic step, and its outcome must be known
        cancellationToken.ThrowIfCancellationRequested();
        using var span = Domain.Telemetry.RoomTelemetry.Source.StartActivity("backup.save");
        span?.SetTag("callserver.room.id", next.RoomId);
        span?.SetTag("callserver.room.version", next.Version);
        span?.SetTag("callserver.room.changes", steps.Count);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = (long)await (acked.Enabled ? acked.Database : Db).ScriptEvaluateAsync(
            BackupScript.Save, [keys.Room(next.RoomId), keys.LiveRooms, .. _eventQueues], args);
        metrics.BackupWrite.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        if (result >= 0)
        {
            BackupLog.WriteRefused(logger, next.RoomId, expectedVersion, result);
            return new BackupWriteResult(false, result);
        }

        if (_publishAfter)
        {
            await (acked.Enabled ? acked.ConfirmAsync(CancellationToken.None) : embeddedLog.WaitAsync(CancellationToken.None));
            // held: the changes are acknowledged even if their statuses cannot be published now (the next one carries them)
            for (var i = 0; i < steps.Count; i++)
            {
                await PublishQuietlyAsync(args[9 + i], next.RoomId);
            }

            // the queues that were empty wake their workers (the script does it when it publishes)
            var woke = -1 - result;
            for (var k = 0; k < _eventQueues.Length; k++)
            {
                if ((woke & (1L << k)) != 0)
                {
                    await PublishQuietlyAsync(RedisChannel.Literal(RedisKeys.WakeChannel(_eventQueues[k]!)), "1", next.RoomId);
                }
            }
        }

        for (var i = 0; i < steps.Count; i++)
        {
            legacy.Status((byte[])args[9 + i]!);
        }

        // in the background: it must not hold up, nor fail, an acknowledged change (commands on one connection keep their order)
        _ = ringing.FollowAsync(steps);
        return new BackupWriteResult(true, next.Version);
    }

    /// <summary>The backed-up state of every live room.</summary>
    public async IAsyncEnumerable<RoomState> LiveRoomsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = new List<string>(256);
        await foreach (var id in LiveRoomIdsAsync(cancellationToken))
        {
            batch.Add(id);
            if (batch.Count == batch.Capacity)
            {
                foreach (var state in await LoadManyAsync(batch, cancellationToken))
                {
                    yield return state;
                }

                batch.Clear();
            }
        }

        foreach (var state in await LoadManyAsync(batch, cancellationToken))
        {
            yield return state;
        }
    }

    private async Task<List<RoomState>> LoadManyAsync(List<string> roomIds, CancellationToken cancellationToken)
    {
        var snapshots = await Task.WhenAll(roomIds.Select(id => Db.HashGetAsync(keys.Room(id), SnapshotFields))).WaitAsync(cancellationToken);
        var states = new List<RoomState>(roomIds.Count);
        for (var i = 0; i < roomIds.Count; i++)
        {
            if (await ReadAsync(roomIds[i], snapshots[i]) is { IsLive: true } state)
            {
                states.Add(state);
            }
        }

        return states;
    }

    /// <summary>A snapshot as read (fields <c>s</c>, <c>p</c>); the events of a change that a kill cut are queued first.</summary>
    private async Task<RoomState?> ReadAsync(string roomId, RedisValue[] fields)
    {
        if (fields[0].IsNullOrEmpty)
        {
            return null;
        }

        if (!fields[1].IsNullOrEmpty)
        {
            using var pending = JsonDocument.Parse((byte[])fields[1]!);
            RedisValue[] args = [fields[1], .. pending.RootElement.EnumerateArray().Select(e => (RedisValue)e.GetRawText())];
            if ((long)await Db.ScriptEvaluateAsync(BackupScript.Repair, [keys.Room(roomId), .. _eventQueues], args) == 1)
            {
                BackupLog.PendingEventsQueued(logger, roomId, args.Length - 1);
            }
        }

        return JsonSerializer.Deserialize((byte[])fields[0]!, BackupJson.Default.RoomState);
    }

    /// <summary>The events of a change as one JSON array (each event already serialized).</summary>
    private static byte[] PendingEvents(ReadOnlySpan<RedisValue> events)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("["u8);
        for (var i = 0; i < events.Length; i++)
        {
            if (i > 0)
            {
                buffer.Write(","u8);
            }

            buffer.Write((byte[])events[i]!);
        }

        buffer.Write("]"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Of the given instance ids, those whose liveness key is gone.</summary>
    private async Task<IReadOnlySet<string>> DeadInstancesCoreAsync(IEnumerable<string> instanceIds, CancellationToken cancellationToken)
    {
        var ids = instanceIds.Distinct().ToList();
        var alive = await Task.WhenAll(ids.Select(id => Db.KeyExistsAsync(keys.Instance(id)))).WaitAsync(cancellationToken);
        return ids.Where((_, i) => !alive[i]).ToHashSet();
    }

    private Task PublishQuietlyAsync(RoomUpdate update, string roomId) =>
        PublishQuietlyAsync(JsonSerializer.SerializeToUtf8Bytes(update, BackupJson.Default.RoomUpdate), roomId);

    private Task PublishQuietlyAsync(RedisValue update, string roomId) =>
        PublishQuietlyAsync(RedisChannel.Literal(keys.RoomStatusChannel(roomId)), update, roomId);

    private async Task PublishQuietlyAsync(RedisChannel channel, RedisValue message, string roomId)
    {
        try
        {
            await Db.PublishAsync(channel, message);
        }
        catch (Exception ex) when (StoreFailures.IsUnavailable(ex))
        {
            BackupLog.StatusNotPublished(logger, ex, roomId);
        }
    }

    private static Task<T> Guarded<T>(Func<Task<T>> call) => StoreFailures.GuardedAsync(call, "The room's backup");
}
