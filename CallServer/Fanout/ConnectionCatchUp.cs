using CallServer.Domain.Rooms;

namespace CallServer.Fanout;

/// <summary>
/// A new hub connection joins its room's group on the room's relay lane, and receives the room's current status there: every
/// status the lane relays after it is newer, so the connection's first status is a baseline without a gap behind it.
/// </summary>
/// <param name="Connected">The status that acknowledged the connect.</param>
internal sealed record ConnectionCatchUp(string RoomId, string ConnectionId, RoomStatus Connected) : RelayItem(RoomId)
{
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
