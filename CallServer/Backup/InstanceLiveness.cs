namespace CallServer.Backup;

/// <summary>
/// Whether this instance may judge other instances dead by their missing liveness keys. After an outage of the backup store
/// (a frozen Redis) every instance's key may have expired while none could renew it: a key is only evidence once its owner
/// has had a full TTL of a working store to renew it again.
/// </summary>
internal sealed class InstanceLiveness(TimeProvider time)
{
    private long _judgeFromTicks = DateTimeOffset.MinValue.UtcTicks;
    private volatile bool _suspect;

    /// <summary>From when a missing liveness key means a dead instance; <see cref="DateTimeOffset.MinValue"/> while the store has been answering.</summary>
    public DateTimeOffset JudgeFrom => new(Interlocked.Read(ref _judgeFromTicks), TimeSpan.Zero);

    /// <summary>The heartbeat could not renew this instance's key: the store may be down for the others too.</summary>
    public void BeatFailed() => _suspect = true;

    /// <summary>The heartbeat renewed this instance's key; after a failure, others get <paramref name="ttl"/> to renew theirs.</summary>
    public void BeatSucceeded(TimeSpan ttl)
    {
        if (_suspect)
        {
            _suspect = false;
            Interlocked.Exchange(ref _judgeFromTicks, (time.GetUtcNow() + ttl).UtcTicks);
        }
    }
}
