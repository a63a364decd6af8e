namespace CallServer.Domain.Supervision;

/// <summary>
/// OTP's restart intensity, the one window both supervisors count in: the restarts of the last <paramref name="window"/>;
/// more than <paramref name="maxRestarts"/> of them is more than a restart can cure.
/// </summary>
internal sealed class RestartIntensity(int maxRestarts, TimeSpan window)
{
    private readonly Queue<DateTimeOffset> _restarts = new();

    /// <summary>The restarts within the window, as of the last one counted.</summary>
    public int Count => _restarts.Count;

    public int MaxRestarts => maxRestarts;

    /// <summary>Counts a restart at <paramref name="now"/>; true when the window then holds more than the maximum.</summary>
    public bool Exceeded(DateTimeOffset now)
    {
        _restarts.Enqueue(now);
        while (_restarts.Peek() <= now - window)
        {
            _restarts.Dequeue();
        }

        return _restarts.Count > maxRestarts;
    }

    /// <summary>Starts counting afresh (a room that failed starts its next life with a clean slate).</summary>
    public void Reset() => _restarts.Clear();
}
