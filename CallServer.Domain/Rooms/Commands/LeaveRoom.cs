namespace CallServer.Rooms.Commands;

/// <summary>Removes a participant; leaving twice is not an error.</summary>
internal sealed record LeaveRoom(string ParticipantId) : RoomCommand;
