using System.Text.Json;
using CallServer.Backup;
using StackExchange.Redis;

namespace CallServer.Fanout;

/// <summary>Sends a signal to a participant, on whichever instance its connection lives.</summary>
internal sealed class SignalPublisher(IConnectionMultiplexer redis, RedisKeys keys)
{
    private readonly RedisChannel _channel = RedisChannel.Literal(keys.SignalChannel);

    public Task PublishAsync(SignalEnvelope signal, CancellationToken cancellationToken) =>
        redis.GetSubscriber().PublishAsync(_channel, JsonSerializer.SerializeToUtf8Bytes(signal, FanoutJson.Default.SignalEnvelope))
            .WaitAsync(cancellationToken);
}
