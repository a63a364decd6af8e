using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace CallServer.Limits;

/// <summary>
/// A token bucket per hub connection: every hub call takes a token, a call without one is refused with a HubException, and a
/// connection refused <see cref="LimitsOptions.HubFloodCloseAfter"/> times within <see cref="FloodWindow"/> is closed (a flood
/// keeps being refused even while the bucket lets a call through now and then). The bucket refills from the time elapsed when
/// a call arrives, so an idle connection costs no timer.
/// </summary>
internal sealed class HubRateFilter(IOptions<LimitsOptions> options, Hubs.ConnectionCloser closer, ILogger<HubRateFilter> logger) : IHubFilter
{
    /// <summary>The window over which refused calls are counted.</summary>
    public static readonly TimeSpan FloodWindow = TimeSpan.FromSeconds(10);

    private static readonly object BucketKey = new();

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var limits = options.Value;
        if (limits.HubCallsPerSecond > 0)
        {
            context.Context.Items[BucketKey] = new Bucket(new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.HubCallBurst,
                TokensPerPeriod = limits.HubCallsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = false,
            }));
        }

        await next(context);
    }

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (invocationContext.Context.Items.TryGetValue(BucketKey, out var found) && found is Bucket bucket && !bucket.TryTake())
        {
            var limits = options.Value;
            if (bucket.Refused >= limits.HubFloodCloseAfter && bucket.TryClose())
            {
                LimitsLog.HubFloodClosed(logger, invocationContext.Context.ConnectionId, bucket.Refused);
                closer.CloseLater([invocationContext.Context], Hubs.CloseReason.RateLimited);
            }

            throw Hubs.HubErrors.Refuse(Errors.ErrorCodes.RateLimited,
                $"Too many hub calls: a connection may make {limits.HubCallsPerSecond} per second (bursts of {limits.HubCallBurst}). Slow down; a connection that keeps going is closed.");
        }

        return next(invocationContext);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        if (context.Context.Items.TryGetValue(BucketKey, out var found) && found is Bucket bucket)
        {
            bucket.Dispose();
        }

        await next(context, exception);
    }

    private sealed class Bucket(TokenBucketRateLimiter limiter) : IDisposable
    {
        private readonly Lock _lock = new();
        private long _windowStart = Environment.TickCount64;
        private int _refused;
        private int _closing;

        /// <summary>True once: the connection is closed by the first refusal over the flood limit, not by each.</summary>
        public bool TryClose() => Interlocked.Exchange(ref _closing, 1) == 0;

        /// <summary>Calls refused within the current window.</summary>
        public int Refused
        {
            get
            {
                lock (_lock)
                {
                    return _refused;
                }
            }
        }

        public bool TryTake()
        {
            limiter.TryReplenish();
            using var lease = limiter.AttemptAcquire();
            if (lease.IsAcquired)
            {
                return true;
            }

            lock (_lock)
            {
                var now = Environment.TickCount64;
                if (now - _windowStart > (long)FloodWindow.TotalMilliseconds)
                {
                    _windowStart = now;
                    _refused = 0;
                }

                _refused++;
            }

            return false;
        }

        public void Dispose() => limiter.Dispose();
    }
}
