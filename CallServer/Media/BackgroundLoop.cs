namespace CallServer.Media;

/// <summary>A media-server connection's loop: started once, stopped once (later stops return at once), waited for on stop.</summary>
internal sealed class BackgroundLoop
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private int _stopped;

    public void Start(Func<CancellationToken, Task> run) => _loop = Task.Run(() => run(_stopping.Token));

    /// <summary>Cancels the loop and waits for it to end, whatever it ends with.</summary>
    public async ValueTask StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }
}
