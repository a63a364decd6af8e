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
                try
                {
                    await handle(item, stopping);
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    // one message that cannot be relayed must not stop the relay for every room
                    failed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // stopping
        }
    }
}
