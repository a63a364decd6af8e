namespace CallServer.Domain.Rooms.Commands;

/// <summary>The media server lost the call's media: every connected participant is asked to publish and subscribe again.</summary>
internal sealed record RenegotiateMedia(string CallId) : MediaMessage
{
    internal override void HandleBy(RoomMediaBridge bridge, RoomState state, CancellationToken stopping) => bridge.Renegotiate(this, state);
}
