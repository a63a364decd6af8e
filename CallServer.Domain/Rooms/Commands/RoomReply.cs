namespace CallServer.Domain.Rooms.Commands;

/// <summary>A worker's answer: the room's status after the command, the participant it concerns, and the media server's SDP.</summary>
internal sealed record RoomReply(RoomStatus Status, Participant? Participant = null, string? Sdp = null);
