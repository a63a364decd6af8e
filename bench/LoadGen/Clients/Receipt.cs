namespace LoadGen.Clients;

/// <summary>A status a client received: which room, which version, when (Stopwatch timestamp).</summary>
internal readonly record struct Receipt(string RoomId, long Version, long At);
