namespace CallServer.Domain.Backup;

/// <summary>
/// Whether this instance may judge other instances dead by their missing liveness keys. After an outage of the backup store
/// (a frozen Redis) every instance's key may have expired while none could renew it: a key is only evidence once its owner
/// has had a full TTL of a working store to renew it again.
/// </summary>
internal sealed class InstanceLiveness(TimeProvider time, TimeSpan ttl)
{
    private long _judgeFromTicks = DateTimeOffset.MinValue.UtcTicks;
    private long _lastBeatTicks;
    private volatile bool _suspect;

    /// <summary>How long a liveness key lives without a renewal (<c>Redis:InstanceTtlSeconds</c>).</summary>
    public TimeSpan Ttl { get; } = ttl;

    /// <summary>From when a missing liveness key means a dead instance; <see cref="DateTimeOffset.MinValue"/> while the store has been answering.</summary>
    /// <summary>While the heartbeat fails, never (<see cref="DateTimeOffset.MaxValue"/>): this instance cannot tell a dead one from an outage.</summary>
    public DateTimeOffset JudgeFrom => _suspect ? DateTimeOffset.MaxValue : new(Interlocked.Read(ref _judgeFromTicks), TimeSpan.Zero);

    /// <summary>The heartbeat could not renew this instance's key: the store may be down for the others too.</summary>
    public void BeatFailed() => _suspect = true;

    /// <summary>The heartbeat renewed this instance's key; after a failure, others get a full <see cref="Ttl"/> to renew theirs.</summary>
    public void BeatSucceeded()
    {
        var now = time.GetUtcNow();
        var last = Interlocked.Exchange(ref _lastBeatTicks, now.UtcTicks);
        // a beat that took long to come back (a store frozen for less than a timeout) is an outage too
        if (_suspect || (last != 0 && now.UtcTicks - last > (Ttl / 2).Ticks))
        {
            Interlocked.Exchange(ref _judgeFromTicks, (now + Ttl).UtcTicks);
            _suspect = false;
        }
    }
}
