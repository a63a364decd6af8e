using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace CallServer.Limits;

/// <summary>
/// The hub's limits, kept per participant (and per client address for connects) on this instance, so that a new connection
/// inherits what its participant spent: one call bucket a participant's connections share, a bucket of connects per
/// participant and per address, and a block on a participant that flooded (its connections closed, new ones refused for
/// <see cref="LimitsOptions.HubFloodBlockSeconds"/>). Buckets come from <see cref="PartitionedRateLimiter"/>, which replenishes
/// them and drops those that stayed full (idle) for a while.
/// </summary>
internal sealed class HubCallerLimits : IDisposable
{
    /// <summary>The window over which refused calls are counted.</summary>
    public static readonly TimeSpan FloodWindow = TimeSpan.FromSeconds(10);

    private readonly LimitsOptions _limits;
    private readonly TimeProvider _time;
    private readonly PartitionedRateLimiter<string> _calls;
    private readonly PartitionedRateLimiter<string> _connects;
    private readonly PartitionedRateLimiter<string> _addressConnects;
    private readonly ConcurrentDictionary<string, Flood> _floods = new(StringComparer.Ordinal);
    private long _prunedAt;

    public HubCallerLimits(IOptions<LimitsOptions> options, TimeProvider time)
    {
        _limits = options.Value;
        _time = time;
        _calls = Buckets(_limits.HubCallBurst, _limits.HubCallsPerSecond, TimeSpan.FromSeconds(1));
        _connects = Buckets(_limits.HubConnectsPerMinute, _limits.HubConnectsPerMinute, TimeSpan.FromMinutes(1));
        _addressConnects = Buckets(_limits.HubConnectsPerMinutePerAddress, _limits.HubConnectsPerMinutePerAddress, TimeSpan.FromMinutes(1));
        _prunedAt = time.GetTimestamp();
    }

    /// <summary>
    /// Whether <paramref name="participant"/> may open a connection from <paramref name="address"/> now; when not, the seconds
    /// after which it may try again and why.
    /// </summary>
    public (int RetryAfterSeconds, string Why)? RefuseConnect(string participant, string address) =>
        RefuseParticipant(participant) ?? RefuseAddress(address);

    /// <summary>
    /// Whether <paramref name="address"/> may open a connection now; a join over the hub, whose participant is not known yet,
    /// asks only this (its participant's limits hold once the room knows it: <see cref="RefuseParticipant"/>).
    /// </summary>
    public (int RetryAfterSeconds, string Why)? RefuseAddress(string address)
    {
        if (!Take(_addressConnects, address, _limits.HubConnectsPerMinutePerAddress))
        {
            return (60 / Math.Max(1, _limits.HubConnectsPerMinutePerAddress) + 1, $"an address may open {_limits.HubConnectsPerMinutePerAddress} connections a minute");
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="participant"/> may open a connection now (its flood block, its connects a minute); a join over
    /// the hub asks once it knows its participant (its address was counted when its connection opened).
    /// </summary>
    public (int RetryAfterSeconds, string Why)? RefuseParticipant(string participant)
    {
        Prune();
        var now = _time.GetUtcNow();
        if (_floods.TryGetValue(participant, out var flood) && flood.BlockedUntil(now) is { } until)
        {
            return (Seconds(until - now), $"this participant flooded the hub and may not connect again for {Seconds(until - now)} s");
        }

        return Take(_connects, participant, _limits.HubConnectsPerMinute)
            ? null
            : (60 / Math.Max(1, _limits.HubConnectsPerMinute) + 1, $"a participant may open {_limits.HubConnectsPerMinute} connections a minute");
    }

    /// <summary>Takes a call from the participant's bucket; false when it is empty.</summary>
    public bool TryCall(string participant) => Take(_calls, participant, _limits.HubCallsPerSecond);

    /// <summary>
    /// Counts a refused call; true once when the participant went over <see cref="LimitsOptions.HubFloodCloseAfter"/> refusals
    /// within <see cref="FloodWindow"/>: its connections are to be closed, and it is blocked from now on.
    /// </summary>
    public bool RefusedOverFloodLimit(string participant)
    {
        var flood = _floods.GetOrAdd(participant, _ => new Flood());
        return flood.Refused(_time.GetUtcNow(), _limits.HubFloodCloseAfter, TimeSpan.FromSeconds(_limits.HubFloodBlockSeconds));
    }

    public void Dispose()
    {
        _calls.Dispose();
        _connects.Dispose();
        _addressConnects.Dispose();
    }

    private static int Seconds(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalSeconds));

    /// <summary>A bucket per key holding <paramref name="burst"/>, refilled by <paramref name="perPeriod"/> each period; none when the rate is 0.</summary>
    private static PartitionedRateLimiter<string> Buckets(int burst, int perPeriod, TimeSpan period) =>
        PartitionedRateLimiter.Create<string, string>(key => perPeriod <= 0
            ? RateLimitPartition.GetNoLimiter(key)
            : RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, burst),
                // refilled in tenths of the period (the partitioned limiter replenishes every 100 ms), evenly
                TokensPerPeriod = Math.Max(1, perPeriod / 10),
                ReplenishmentPeriod = period * Math.Max(1, perPeriod / 10) / perPeriod,
                QueueLimit = 0,
                AutoReplenishment = false,
            }));

    private static bool Take(PartitionedRateLimiter<string> limiter, string key, int rate)
    {
        if (rate <= 0)
        {
            return true;
        }

        using var lease = limiter.AttemptAcquire(key);
        return lease.IsAcquired;
    }

    /// <summary>Drops flood records that are neither blocking nor counting, once a minute.</summary>
    private void Prune()
    {
        var last = Interlocked.Read(ref _prunedAt);
        if (_time.GetElapsedTime(last) < TimeSpan.FromMinutes(1) || Interlocked.CompareExchange(ref _prunedAt, _time.GetTimestamp(), last) != last)
        {
            return;
        }

        var now = _time.GetUtcNow();
        foreach (var (key, flood) in _floods)
        {
            if (flood.Stale(now))
            {
                _floods.TryRemove(KeyValuePair.Create(key, flood));
            }
        }
    }

    /// <summary>A participant's refused calls within the current window, and its block.</summary>
    private sealed class Flood
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
        private int _refused;
        private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;

        public DateTimeOffset? BlockedUntil(DateTimeOffset now)
        {
            lock (_lock)
            {
                return _blockedUntil > now ? _blockedUntil : null;
            }
        }

        public bool Refused(DateTimeOffset now, int closeAfter, TimeSpan block)
        {
            lock (_lock)
            {
                if (now - _windowStart > FloodWindow)
                {
                    _windowStart = now;
                    _refused = 0;
                }

                _refused++;
                if (_refused < closeAfter || _blockedUntil > now)
                {
                    return false;
                }

                _blockedUntil = now + block;
                return true;
            }
        }

        public bool Stale(DateTimeOffset now)
        {
            lock (_lock)
            {
                return _blockedUntil <= now && now - _windowStart > FloodWindow;
            }
        }
    }
}
