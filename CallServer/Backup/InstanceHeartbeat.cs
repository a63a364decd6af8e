using CallServer.Domain.Backup;
using CallServer.Domain.Supervision;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallServer.Backup;

/// <summary>
/// Keeps this instance's liveness key in Redis; a room restored elsewhere sees a missing key as connections that died.
/// Renews every third of the key's TTL, and every half second after a failed renewal, so that the key is back at once when
/// the store answers again.
/// </summary>
internal sealed class InstanceHeartbeat(
    IConnectionMultiplexer redis, RedisKeys keys, InstanceIdentity instance, InstanceLiveness liveness, IOptions<RedisOptions> options,
    IHostApplicationLifetime lifetime, TimeProvider time, ILogger<InstanceHeartbeat> logger) : ISupervisedService
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMilliseconds(500);
    private readonly TimeSpan _ttl = TimeSpan.FromSeconds(options.Value.InstanceTtlSeconds);

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                var beat = await BeatAsync(stopping);
                await Task.Delay(beat ? _ttl / 3 : RetryAfterFailure, time, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // only when the host stops: a heartbeat that is merely restarted must not announce this instance gone
            await GoneAsync();
            throw;
        }
    }

    private async Task<bool> BeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(keys.Instance(instance.Id), time.GetUtcNow().ToUnixTimeMilliseconds(), _ttl)
                .WaitAsync(cancellationToken);
            liveness.BeatSucceeded();
            return true;
        }
        catch (Exception ex) when (StoreFailures.IsUnavailable(ex))
        {
            liveness.BeatFailed();
            BackupLog.HeartbeatFailed(logger, ex);
            return false;
        }
    }

    /// <summary>A clean stop says at once that this instance's connections are gone (bounded: the key expires by itself anyway).</summary>
    private Task GoneAsync() =>
        StoreFailures.QuietlyAsync(redis.GetDatabase().KeyDeleteAsync(keys.Instance(instance.Id)), ex => BackupLog.HeartbeatFailed(logger, ex));
}
