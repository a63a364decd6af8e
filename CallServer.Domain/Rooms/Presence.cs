namespace CallServer.Domain.Rooms;

/// <summary>A participant's link to the room: joined over REST, connected over the hub, or inside its reconnect grace.</summary>
internal enum Presence
{
    Joining,
    Connected,
    Reconnecting,
}
