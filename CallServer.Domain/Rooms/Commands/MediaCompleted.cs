namespace CallServer.Domain.Rooms.Commands;

/// <summary>The media server answered <paramref name="Request"/> (or failed to): back in the mailbox, so the worker answers its caller.</summary>
internal sealed record MediaCompleted(MediaRequest Request, Task<string?> Outcome) : MediaMessage
{
    internal override void HandleBy(RoomMediaBridge bridge, RoomState state, CancellationToken stopping) => bridge.Completed(this, state);
}
