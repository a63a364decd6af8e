namespace CallServer.Media.Sfu;

/// <summary>An SFU adapter's connection to its media server, holding one session at a time (reopened when lost).</summary>
internal interface IMediaConnection : IAsyncDisposable
{
    /// <summary>The session's generation (1, 2, …): each new one has lost the objects of the previous one.</summary>
    int Generation { get; }

    bool IsOpen { get; }

    void Start();
}
