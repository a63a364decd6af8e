using CallServer.Domain.Media;
namespace CallServer.Media;

/// <summary>
/// Whether a media server session is open (Janus, Kurento): requests wait for one up to the request timeout, then fail as
/// unavailable; a lost connection makes them wait for the next session.
/// </summary>
internal sealed class MediaSession<T>(string unreachable, TimeSpan timeout, TimeProvider time)
{
    private volatile TaskCompletionSource<T> _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsOpen => _open.Task.IsCompletedSuccessfully;

    public void Opened(T session) => _open.TrySetResult(session);

    public void Lost()
    {
        if (_open.Task.IsCompleted)
        {
            _open = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>The open session, waiting for one up to the request timeout.</summary>
    public async Task<T> ReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _open.Task.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new MediaException(unreachable, unavailable: true, ex);
        }
    }
}
