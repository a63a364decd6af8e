using System.Text.Json;
using CallServer.Domain.Backup;
using StackExchange.Redis;

namespace CallServer.Backup;

/// <summary>Sends a message to a participant, on whichever instance its connection lives (Redis pub/sub).</summary>
internal sealed class SignalPublisher(IConnectionMultiplexer redis, RedisKeys keys) : ISignalPublisher
{
    private readonly RedisChannel _channel = RedisChannel.Literal(keys.SignalChannel);

    public Task PublishAsync(SignalEnvelope signal, CancellationToken cancellationToken) =>
        StoreFailures.GuardedAsync(
            () => redis.GetSubscriber().PublishAsync(_channel, JsonSerializer.SerializeToUtf8Bytes(signal, SignalJson.Default.SignalEnvelope))
                .WaitAsync(cancellationToken),
            "The signal could not be relayed");
}
