namespace CallServer.Hubs;

/// <summary>SignalR group names: every connection of a room, and every connection of one participant.</summary>
internal static class HubGroups
{
    public static string Room(string roomId) => $"room:{roomId}";

    public static string Participant(string participantId) => $"participant:{participantId}";

    /// <summary>Every user-hub connection of one identity (its devices), on <see cref="UserHub"/>.</summary>
    public static string User(string identity) => $"user:{identity}";
}
