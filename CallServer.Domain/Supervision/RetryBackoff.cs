namespace CallServer.Domain.Supervision;

/// <summary>How long to wait before trying again: doubling from a minimum up to a maximum. The one backoff of every retry loop.</summary>
internal static class RetryBackoff
{
    /// <summary>With ±20% jitter, so that retries of many clients spread.</summary>
    /// <param name="attempt">1 for the delay after the first failure, 2 after the second, …</param>
    public static TimeSpan After(int attempt, TimeSpan min, TimeSpan max)
    {
        var doubled = min.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var capped = Math.Min(doubled, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    /// <summary>The delay after <paramref name="previous"/> (zero: none yet, so <paramref name="min"/>), doubled up to <paramref name="max"/>, without jitter (one loop of this process retrying).</summary>
    public static TimeSpan Next(TimeSpan previous, TimeSpan min, TimeSpan max) =>
        previous <= TimeSpan.Zero ? min : TimeSpan.FromTicks(Math.Min(previous.Ticks * 2, max.Ticks));
}
