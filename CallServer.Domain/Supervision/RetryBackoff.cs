namespace CallServer.Supervision;

/// <summary>How long to wait before trying again: doubling from a minimum up to a maximum, with ±20% jitter so that retries spread.</summary>
internal static class RetryBackoff
{
    /// <param name="attempt">1 for the delay after the first failure, 2 after the second, …</param>
    public static TimeSpan After(int attempt, TimeSpan min, TimeSpan max)
    {
        var doubled = min.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var capped = Math.Min(doubled, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }
}
