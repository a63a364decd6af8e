namespace CallServer.Rooms.Commands;

/// <summary>After a restart: participants held by connections of instances that are gone start their reconnect grace.</summary>
internal sealed record ReleaseDeadConnections(IReadOnlySet<string> DeadInstances) : RoomCommand;
