namespace CallServer.Domain.Rooms;

/// <summary>The hub connections this instance holds (a port: the web layer keeps them).</summary>
internal interface ILocalConnections
{
    /// <summary>True while this instance holds <paramref name="connectionId"/> for <paramref name="roomId"/>, or is opening it.</summary>
    bool Holds(string roomId, string connectionId);
}
