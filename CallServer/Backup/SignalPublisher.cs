using System.Text.Json;
using CallServer.Domain.Backup;
using StackExchange.Redis;

namespace CallServer.Backup;

/// <summary>
/// Sends a message to a participant on its own channel (Redis pub/sub): only the instances that hold a connection of that
/// participant hear it.
/// </summary>
internal sealed class SignalPublisher(IConnectionMultiplexer redis, RedisKeys keys, LegacyCopies legacy) : ISignalPublisher
{
    public Task PublishAsync(SignalEnvelope signal, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(signal, SignalJson.Default.SignalEnvelope);
        legacy.Signal(json);
        return StoreFailures.GuardedAsync(
            () => redis.GetSubscriber().PublishAsync(RedisChannel.Literal(keys.ParticipantChannel(signal.RoomId, signal.To)), json).WaitAsync(cancellationToken),
            "The signal could not be relayed");
    }
}
