using CallServer.Backup;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms;
using CallServer.Domain.Supervision;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallServer.History;

/// <summary>
/// The talk's Call History: takes room events from the durable queue in batches and stores them, idempotently, in order.
/// It wakes when its queue stops being empty (a message on its own channel) and never touches the command path. While the database is
/// down the events wait in Redis (beyond <c>History:MaxQueuedEvents</c>, on this instance's disk) and the writer retries with
/// backoff; events the database refuses <c>History:MaxAttempts</c> times go to the dead letters. Supervised: what it cannot
/// handle crashes it, and it is restarted.
/// </summary>
internal sealed class HistoryWriter(
    HistoryStore store,
    HistoryMigrator migrator,
    HistoryQueue queue,
    HistoryParking parking,
    HistoryDeadLetters deadLetters,
    HistoryHealth health,
    IConnectionMultiplexer redis,
    RedisKeys keys,
    IOptions<HistoryOptions> options,
    Telemetry.ServerMetrics metrics,
    TimeProvider time,
    ILogger<HistoryWriter> logger) : ISupervisedService, ILeaderJob
{
    private readonly WakeSignal _wake = new();
    private bool _migrated;
    private int _refusals;
    private Batch? _batch;

    /// <summary>Test hook: runs after a batch is committed and before it is acknowledged (a crash there must not duplicate).</summary>
    internal Func<IReadOnlyList<RoomEvent>, Task>? AfterCommit { get; set; }

    public async Task RunAsync(CancellationToken stopping)
    {
        HistoryLog.UsingStore(logger, store.Name);
        // woken each time its queue stops being empty (BackupScript.Save), not by every status
        var subscription = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(keys.HistoryWake));
        subscription.OnMessage(_ =>
        {
            metrics.PubSubMessage("wake");
            _wake.Set();
        });
        try
        {
            await new LeaderLoop(this, _wake, time).RunAsync(stopping);
        }
        finally
        {
            // bounded, and quiet while Redis does not answer: the subscription dies with the connection, the lease expires
            await QuietlyAsync(subscription.UnsubscribeAsync());
            await QuietlyAsync(queue.ReleaseLeaseAsync());
        }
    }

    public TimeSpan Lease => TimeSpan.FromSeconds(options.Value.LeaseSeconds);

    public async Task<bool> HoldLeaseAsync(CancellationToken stopping)
    {
        _batch = null;
        if (!_migrated)
        {
            await migrator.RunAsync(stopping);
            _migrated = true;
        }

        if (parking.Events > 0)
        {
            // parked here (maybe by an earlier run of this instance): older than anything in Redis, so it goes first
            await queue.MarkParkedAsync();
        }

        return await queue.HoldLeaseAsync(Lease);
    }

    public Task StepDownAsync()
    {
        // another instance writes; this one is ready to take over when its lease runs out
        health.Healthy(parking.Events);
        return Task.CompletedTask;
    }

    public async Task<LeaderRound> RoundAsync(CancellationToken stopping)
    {
        var settings = options.Value;
        // what was parked on disk is older than anything in Redis
        var batch = _batch = parking.Oldest() is { } parked ? new Batch(parked.Events, parked) : new Batch(await queue.TakeAsync(settings.BatchSize), null);
        if (batch.Events.Count > 0)
        {
            await StoreAsync(batch, _refusals >= settings.MaxAttempts, stopping);
            HistoryLog.BatchStored(logger, batch.Events.Count);
            metrics.HistoryLag.Record((time.GetUtcNow() - batch.Events[^1].At).TotalSeconds);
            metrics.HistoryQueued(await queue.QueuedAsync());
        }

        _refusals = 0;
        health.Healthy(parking.Events);
        // idle: wait for the next wake-up (events into an empty queue), and look again now and then (a lease to renew, a missed wake-up); then
        // let more events gather, one transaction for many rather than one for each
        return batch.Parked is null && batch.Events.Count < settings.BatchSize
            ? new LeaderRound(Lease / 3, TimeSpan.FromMilliseconds(settings.LingerMilliseconds))
            : LeaderRound.Again;
    }

    public async Task<TimeSpan?> FailedAsync(Exception failure, TimeSpan previousDelay)
    {
        var settings = options.Value;
        if (store.IsUnavailable(failure) || StoreFailures.IsUnavailable(failure))
        {
            var delay = Backoff(previousDelay, settings);
            // a Redis timeout is a TimeoutException, which the database's dialect would also take for its own
            var redisDown = failure is RedisException or RedisTimeoutException or StoreUnavailableException || !store.IsUnavailable(failure);
            if (!redisDown)
            {
                await ParkOverflowAsync(settings);
            }

            health.Failing(redisDown ? "Redis unavailable" : $"{store.Name} unavailable", parking.Events);
            HistoryLog.StoreUnavailable(logger, failure, await WaitingQuietlyAsync(), parking.Events, (long)delay.TotalMilliseconds);
            return delay;
        }

        if (_batch is { Events.Count: > 0 })
        {
            // the database refuses this batch: try it again a few times, then one event at a time, setting aside what it refuses
            _refusals++;
            health.Failing(failure.Message, parking.Events);
            HistoryLog.BatchRefused(logger, failure, _refusals, settings.MaxAttempts);
            return _refusals >= settings.MaxAttempts ? TimeSpan.Zero : Backoff(previousDelay, settings);
        }

        return null;
    }

    /// <summary>Stores a batch and drops it from where it waited; <paramref name="oneByOne"/> sets aside the events the database refuses.</summary>
    private async Task StoreAsync(Batch batch, bool oneByOne, CancellationToken stopping)
    {
        if (oneByOne)
        {
            foreach (var e in batch.Events)
            {
                try
                {
                    await store.WriteAsync([e], stopping);
                }
                catch (Exception ex) when (!store.IsUnavailable(ex) && !StoreFailures.IsUnavailable(ex) && ex is not OperationCanceledException)
                {
                    await deadLetters.AddAsync(new DeadLetter(e, ex.Message, time.GetUtcNow()));
                    HistoryLog.DeadLettered(logger, ex, e.CallId, e.Seq);
                }
            }
        }
        else
        {
            await store.WriteAsync(batch.Events, stopping);
        }

        if (AfterCommit is { } hook)
        {
            await hook(batch.Events);
        }

        if (batch.Parked is { } parked)
        {
            parking.Remove(parked);
            if (parking.Events == 0)
            {
                await queue.UnmarkParkedAsync();
            }
        }
        else
        {
            await queue.AcknowledgeAsync();
        }
    }

    /// <summary>While the database is down, keeps the queue in Redis under its cap by parking its oldest events on disk.</summary>
    private async Task ParkOverflowAsync(HistoryOptions settings)
    {
        try
        {
            var parked = 0L;
            while (await queue.QueuedAsync() > settings.MaxQueuedEvents)
            {
                // the batch in flight (if any) is the oldest, so it is parked first and the order holds
                var batch = await queue.TakeAsync(settings.BatchSize);
                if (batch.Count == 0)
                {
                    break;
                }

                if (parked == 0)
                {
                    await queue.MarkParkedAsync();
                }

                parking.Park(batch);
                parked += batch.Count;
                if (!await queue.AcknowledgeAsync())
                {
                    break;
                }
            }

            if (parked > 0)
            {
                HistoryLog.EventsParked(logger, parked, settings.MaxQueuedEvents, parking.Directory, parking.Events);
            }
        }
        catch (Exception ex) when (StoreFailures.IsUnavailable(ex) || ex is IOException or UnauthorizedAccessException)
        {
            HistoryLog.ParkingFailed(logger, ex);
        }
    }

    private static TimeSpan Backoff(TimeSpan delay, HistoryOptions settings) =>
        RetryBackoff.Next(delay, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(settings.MaxRetryDelaySeconds));

    private async Task<long> WaitingQuietlyAsync()
    {
        try
        {
            return await queue.WaitingAsync();
        }
        catch (Exception ex) when (StoreFailures.IsUnavailable(ex))
        {
            return -1;
        }
    }

    private Task QuietlyAsync(Task task) => StoreFailures.QuietlyAsync(task, ex => HistoryLog.CleanupSkipped(logger, ex));

    /// <summary>A batch being stored: from the queue in Redis, or parked on disk.</summary>
    private sealed record Batch(IReadOnlyList<RoomEvent> Events, ParkedBatch? Parked);
}
