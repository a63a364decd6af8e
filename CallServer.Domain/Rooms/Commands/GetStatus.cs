namespace CallServer.Rooms.Commands;

/// <summary>Asks for the current status.</summary>
internal sealed record GetStatus(bool RequireLive = true) : RoomCommand;
