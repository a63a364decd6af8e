namespace CallServer.Domain.Rooms;

/// <summary>Where a room's call stands; <c>Waiting</c> and <c>Active</c> are live.</summary>
internal enum RoomPhase
{
    Waiting,
    Active,
    Ended,
    Failed,
}
