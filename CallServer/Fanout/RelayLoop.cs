namespace CallServer.Fanout;

/// <summary>The relay's handling of one item: one that fails is reported and the relay goes on, until the stop.</summary>
internal static class RelayLoop
{
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
