using CallServer.Backup;
using CallServer.Rooms;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallServer.History;

/// <summary>
/// The talk's Call History: takes room events from the durable queue in batches and stores them, idempotently, in order.
/// It wakes on every status publication (each carries new events) and never touches the command path. While the database is
/// down the events wait in Redis and the writer retries with backoff.
/// </summary>
internal sealed class HistoryWriter(
    HistoryStore store,
    HistoryMigrator migrator,
    HistoryQueue queue,
    HistoryHealth health,
    IConnectionMultiplexer redis,
    RedisKeys keys,
    IOptions<HistoryOptions> options,
    TimeProvider time,
    ILogger<HistoryWriter> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Test hook: runs after a batch is committed and before it is acknowledged (a crash there must not duplicate).</summary>
    internal Func<IReadOnlyList<RoomEvent>, Task>? AfterCommit { get; set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        HistoryLog.UsingStore(logger, store.Name);
        var subscription = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(keys.StatusChannel));
        subscription.OnMessage(_ => Wake());
        try
        {
            await RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            await subscription.UnsubscribeAsync();
            await ReleaseLeaseQuietlyAsync();
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var lease = TimeSpan.FromSeconds(settings.LeaseSeconds);
        var delay = TimeSpan.Zero;
        var migrated = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, stoppingToken);
            }

            try
            {
                if (!migrated)
                {
                    await migrator.RunAsync(stoppingToken);
                    migrated = true;
                }

                if (!await queue.HoldLeaseAsync(lease))
                {
                    // another instance writes; be ready to take over when its lease runs out
                    health.Healthy();
                    delay = lease / 3;
                    continue;
                }

                var batch = await queue.TakeAsync(settings.BatchSize);
                if (batch.Count > 0)
                {
                    await store.WriteAsync(batch, stoppingToken);
                    if (AfterCommit is { } hook)
                    {
                        await hook(batch);
                    }

                    await queue.AcknowledgeAsync();
                    HistoryLog.BatchStored(logger, batch.Count);
                }

                health.Healthy();
                delay = TimeSpan.Zero;
                if (batch.Count < settings.BatchSize)
                {
                    // idle: wait for the next status publication, and look again now and then (a lease to renew, a missed wake-up);
                    // then let more events gather, one transaction for many rather than one for each
                    if (await _wake.WaitAsync(lease / 3, stoppingToken) && settings.LingerMilliseconds > 0)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(settings.LingerMilliseconds), time, stoppingToken);
                    }
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                delay = delay == TimeSpan.Zero
                    ? TimeSpan.FromMilliseconds(200)
                    : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(settings.MaxRetryDelaySeconds).Ticks));
                if (store.IsUnavailable(ex) || ex is RedisException)
                {
                    health.Failing(ex is RedisException ? "Redis unavailable" : $"{store.Name} unavailable");
                    HistoryLog.StoreUnavailable(logger, ex, await WaitingQuietlyAsync(), (long)delay.TotalMilliseconds);
                }
                else
                {
                    health.Failing(ex.Message);
                    HistoryLog.WriterFailed(logger, ex, (long)delay.TotalMilliseconds);
                }
            }
        }
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // already awake
            }
        }
    }

    private async Task<long> WaitingQuietlyAsync()
    {
        try
        {
            return await queue.WaitingAsync();
        }
        catch (RedisException)
        {
            return -1;
        }
    }

    private async Task ReleaseLeaseQuietlyAsync()
    {
        try
        {
            await queue.ReleaseLeaseAsync();
        }
        catch (RedisException)
        {
            // it expires by itself
        }
    }
}
