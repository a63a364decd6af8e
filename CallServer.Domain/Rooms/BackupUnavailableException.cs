namespace CallServer.Domain.Rooms;

/// <summary>A worker crashed because its backup write failed; the supervisor restarts it without counting it against the room.</summary>
internal sealed class BackupUnavailableException(string roomId, Exception inner)
    : Exception($"The backup of room '{roomId}' could not be written.", inner);
