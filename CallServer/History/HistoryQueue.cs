using System.Text.Json;
using CallServer.Backup;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms;
using StackExchange.Redis;

namespace CallServer.History;

/// <summary>
/// The durable queue of room events that the backup script fills: a Redis list used as a reliable queue. A batch is moved to
/// the in-flight list, stored, then acknowledged; a batch left in flight by a writer that died is taken again first.
/// Only the holder of the writer lease takes and acknowledges, so one writer at a time keeps the events in order.
/// </summary>
internal sealed class HistoryQueue(IConnectionMultiplexer redis, RedisKeys keys, InstanceIdentity instance)
{
    private const string AckScript = """
        if redis.call('GET', KEYS[2]) ~= ARGV[1] then
            return 0
        end
        redis.call('DEL', KEYS[1])
        return 1
        """;

    private IDatabase Db => redis.GetDatabase();

    /// <summary>
    /// Takes (or renews) the writer lease; false while another instance's writer holds it, or while another instance that is
    /// alive has history parked on its disk (older than anything here: only that instance may write until it has stored it).
    /// The mark of an instance that died (its liveness key expired) is dropped: what it parked is on a disk no one reads.
    /// </summary>
    public Task<bool> HoldLeaseAsync(TimeSpan ttl) =>
        Db.HoldAsync(keys.HistoryLease, instance, ttl, reservedFor: keys.HistoryParkedBy, liveness: keys.Instance(""));

    /// <summary>Says that this instance has history parked on its disk, so that no other writer stores newer events first.</summary>
    public Task MarkParkedAsync() => Db.StringSetAsync(keys.HistoryParkedBy, instance.Id);

    /// <summary>This instance stored all it had parked.</summary>
    public Task UnmarkParkedAsync() => Db.ReleaseAsync(keys.HistoryParkedBy, instance);

    public Task ReleaseLeaseAsync() => Db.ReleaseAsync(keys.HistoryLease, instance);

    /// <summary>The in-flight batch (oldest first): what a dead writer left, else up to <paramref name="max"/> new events.</summary>
    public async Task<IReadOnlyList<RoomEvent>> TakeAsync(int max)
    {
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(ReliableQueueScript.Take, [keys.HistoryQueue, keys.HistoryInFlight, keys.HistoryLease], [max, instance.Id]))!;
        return [.. result.Select(r => JsonSerializer.Deserialize((byte[])r!, BackupJson.Default.RoomEvent)!)];
    }

    /// <summary>Drops the in-flight batch once it is stored (only while this writer still holds the lease).</summary>
    public async Task<bool> AcknowledgeAsync() =>
        (long)await Db.ScriptEvaluateAsync(AckScript, [keys.HistoryInFlight, keys.HistoryLease], [instance.Id]) == 1;

    /// <summary>How many events wait in the queue (not counting the batch in flight).</summary>
    public async Task<long> QueuedAsync() => await Db.ListLengthAsync(keys.HistoryQueue);

    /// <summary>How many events wait, queued or in flight.</summary>
    public async Task<long> WaitingAsync() =>
        await Db.ListLengthAsync(keys.HistoryQueue) + await Db.ListLengthAsync(keys.HistoryInFlight);
}
