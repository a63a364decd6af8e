namespace CallServer.Rooms.Commands;

/// <summary>A worker's answer: the room's status after the command and, for a join, the participant it concerns.</summary>
internal sealed record RoomReply(RoomStatus Status, Participant? Participant = null);
