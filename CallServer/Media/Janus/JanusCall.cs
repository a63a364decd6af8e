namespace CallServer.Media.Janus;

/// <summary>What one call has in Janus: its VideoRoom, a publisher handle per publishing participant, a handle per subscription.</summary>
internal sealed class JanusCall(long roomId, int generation)
{
    /// <summary>Serializes the call's own setup steps; other calls never wait for it.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public long RoomId { get; } = roomId;

    /// <summary>The Janus session generation the room lives in; a newer session means it is gone.</summary>
    public int Generation { get; } = generation;

    public Dictionary<string, JanusPublisher> Publishers { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string Subscriber, string Publisher), long> Subscriptions { get; } = [];
}
