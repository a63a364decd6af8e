namespace CallServer.Domain.Supervision;

/// <summary>The delay a timer is set for, for a deadline: never negative, and no longer than a day (a timer takes at most about 49
/// days; waking early only looks again).</summary>
internal static class TimerDelay
{
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    public static TimeSpan Until(DateTimeOffset due, TimeProvider time) => Clamp(due - time.GetUtcNow());

    public static TimeSpan Clamp(TimeSpan delay) => delay < TimeSpan.Zero ? TimeSpan.Zero : delay > LongestWait ? LongestWait : delay;
}
