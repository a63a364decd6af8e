using CallServer.Rooms;

namespace CallServer.Backup;

/// <summary>What a room publishes on the status channel: its new status and, when the call just ended, why.</summary>
internal sealed record RoomUpdate(RoomStatus Status, string? EndReason);
