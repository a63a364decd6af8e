namespace CallServer.Media.Kurento;

/// <summary>What one call has in Kurento: a MediaPipeline, a WebRtcEndpoint per publisher and one per subscription.</summary>
internal sealed class KurentoCall(string pipelineId, int generation)
{
    /// <summary>Serializes the call's own setup steps; other calls never wait for it.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public string PipelineId { get; } = pipelineId;

    /// <summary>The session generation the pipeline lives in; a newer session means it is gone.</summary>
    public int Generation { get; } = generation;

    public Dictionary<string, string> Publishers { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string Subscriber, string Publisher), string> Subscriptions { get; } = [];
}
