using CallServer.Domain.Rooms;

namespace CallServer.Domain.Backup;

/// <summary>One decided change of a room: its next state (one version on) and the history events it logged.</summary>
internal sealed record BackupStep(RoomState Next, IReadOnlyList<RoomEvent> Events);
