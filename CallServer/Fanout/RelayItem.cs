namespace CallServer.Fanout;

/// <summary>What a relay lane carries, in order per room: a room's published status, or a new connection's catch-up.</summary>
internal abstract record RelayItem(string RoomId);
