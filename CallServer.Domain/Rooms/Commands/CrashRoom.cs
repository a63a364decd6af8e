namespace CallServer.Rooms.Commands;

/// <summary>Chaos only (<c>Rooms:EnableFaultInjection</c>): the worker throws while handling it.</summary>
internal sealed record CrashRoom() : RoomCommand;
