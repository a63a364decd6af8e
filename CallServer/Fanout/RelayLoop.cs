namespace CallServer.Fanout;

/// <summary>The relay's one loop: each item handled in order; one that fails is reported and the loop goes on, until the stop.</summary>
internal static class RelayLoop
{
    public static async Task EachAsync<T>(
        IAsyncEnumerable<T> items, Func<T, CancellationToken, Task> handle, Action<Exception> failed, CancellationToken stopping)
    {
        try
        {
            await foreach (var item in items.WithCancellation(stopping))
            {
                await OneAsync(item, handle, failed, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // stopping
        }
    }

    /// <summary>Handles one item: a failure is reported and swallowed (one message that cannot be relayed must not stop the
    /// relay for every room), a cancellation at the stop is quiet.</summary>
    public static async Task OneAsync<T>(T item, Func<T, CancellationToken, Task> handle, Action<Exception> failed, CancellationToken stopping)
    {
        try
        {
            await handle(item, stopping);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            failed(ex);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // stopping
        }
    }
}
