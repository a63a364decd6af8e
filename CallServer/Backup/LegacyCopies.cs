using StackExchange.Redis;

namespace CallServer.Backup;

/// <summary>
/// A rolling deploy from a build before issue 29, whose instances hear every status and signal on one channel for all
/// (<see cref="RedisKeys.LegacyStatusChannel"/>, <see cref="RedisKeys.LegacySignalChannel"/>): while one of them is alive
/// (<see cref="Fanout.LegacyChannels"/> watches), this instance also publishes there a copy of each of its statuses and
/// signals, marked as such (<c>{"fanout":2,…}</c>: the older readers skip the member, this build's readers drop the copy).
/// </summary>
internal sealed class LegacyCopies(IConnectionMultiplexer redis, RedisKeys keys)
{
    private static readonly byte[] Mark = "{\"fanout\":2,"u8.ToArray();

    private volatile bool _active;

    /// <summary>Whether an instance of an older build listens (set by <see cref="Fanout.LegacyChannels"/>).</summary>
    public bool Active
    {
        get => _active;
        set => _active = value;
    }

    /// <summary>Whether a message on a legacy channel is one of this build's copies.</summary>
    public static bool IsCopy(ReadOnlySpan<byte> message) => message.StartsWith(Mark);

    /// <summary>A copy of a status (a <c>RoomUpdate</c>), in order with the others published from this instance.</summary>
    public void Status(byte[] update) => Publish(keys.LegacyStatusChannel, update);

    /// <summary>A copy of a signal (a <c>SignalEnvelope</c>).</summary>
    public void Signal(byte[] signal) => Publish(keys.LegacySignalChannel, signal);

    private void Publish(string channel, byte[] json)
    {
        if (!_active || json.Length < 2 || json[0] != (byte)'{')
        {
            return;
        }

        var copy = new byte[Mark.Length + json.Length - 1];
        Mark.CopyTo(copy, 0);
        json.AsSpan(1).CopyTo(copy.AsSpan(Mark.Length));
        // never waits nor fails the change or signal it copies: the older instances' clients catch up at their next status
        redis.GetSubscriber().Publish(RedisChannel.Literal(channel), copy, CommandFlags.FireAndForget);
    }
}
