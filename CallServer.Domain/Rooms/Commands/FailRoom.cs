namespace CallServer.Rooms.Commands;

/// <summary>From the supervisor: the worker exceeded its restart intensity; the call ends as failed.</summary>
internal sealed record FailRoom() : RoomCommand;
