namespace CallServer.Tests.Infrastructure;

/// <summary>Polls a condition until it holds or a deadline passes: the only way tests wait on the world.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, Func<T, bool> until, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        T last = default!;
        Exception? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await probe();
                if (until(last))
                {
                    return last;
                }
            }
            catch (Exception ex)
            {
                lastError = ex;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"Timed out waiting for {what}; last value: {last}", lastError);
    }

    public static Task TrueAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null) =>
        ValueAsync(probe, ok => ok, what, timeout);
}
