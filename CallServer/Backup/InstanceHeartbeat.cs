using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallServer.Backup;

/// <summary>Keeps this instance's liveness key in Redis; a room restored elsewhere sees a missing key as connections that died.</summary>
internal sealed class InstanceHeartbeat(
    IConnectionMultiplexer redis, RedisKeys keys, InstanceIdentity instance, IOptions<RedisOptions> options,
    TimeProvider time, ILogger<InstanceHeartbeat> logger) : BackgroundService
{
    private readonly TimeSpan _ttl = TimeSpan.FromSeconds(options.Value.InstanceTtlSeconds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_ttl / 3, time);
        try
        {
            do
            {
                await BeatAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(keys.Instance(instance.Id), time.GetUtcNow().ToUnixTimeMilliseconds(), _ttl)
                .WaitAsync(cancellationToken);
        }
        catch (RedisException ex)
        {
            BackupLog.HeartbeatFailed(logger, ex);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // a clean stop says at once that this instance's connections are gone
            await redis.GetDatabase().KeyDeleteAsync(keys.Instance(instance.Id)).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or OperationCanceledException or ObjectDisposedException)
        {
            BackupLog.HeartbeatFailed(logger, ex);
        }
    }
}
