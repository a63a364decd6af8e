namespace CallServer.Domain.Supervision;

/// <summary>
/// Wakes one waiting loop: any number of <see cref="Set"/> calls before it waits wake it once (a loop that is awake looks at
/// everything anyway). The one wake-up of the history writer, the webhook sender and the room wake-ups.
/// </summary>
internal sealed class WakeSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Set()
    {
        // set on every status publication: most find the loop already woken, and must not pay for an exception
        if (_signal.CurrentCount > 0)
        {
            return;
        }

        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // woken meanwhile by another caller
        }
    }

    /// <summary>Waits for a <see cref="Set"/>.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _signal.WaitAsync(cancellationToken);

    /// <summary>Waits for a <see cref="Set"/> at most <paramref name="timeout"/> on <paramref name="time"/>'s clock; true when it came.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_signal.Wait(0, CancellationToken.None))
        {
            return true;
        }

        // the timeout runs on the given clock (a test's fake clock drives it too), not on the semaphore's own timer
        using var timer = new CancellationTokenSource(TimerDelay.Clamp(timeout), time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _signal.WaitAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
