namespace CallServer.Media.Janus;

/// <summary>A participant's publisher handle; <see cref="Up"/> completes at its <c>webrtcup</c>, which may come before anyone waits.</summary>
internal sealed class JanusPublisher(long handleId)
{
    public long HandleId { get; } = handleId;

    public long FeedId { get; set; }

    public TaskCompletionSource Up { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
