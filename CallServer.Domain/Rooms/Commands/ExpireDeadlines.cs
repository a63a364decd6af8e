namespace CallServer.Rooms.Commands;

/// <summary>A timer tick: removes participants whose deadline passed.</summary>
internal sealed record ExpireDeadlines() : RoomCommand;
