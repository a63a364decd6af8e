namespace CallServer.Auth;

/// <summary>Where the SignalR hub listens.</summary>
internal static class HubPaths
{
    public const string Room = "/hubs/room";

    public const string User = "/hubs/user";
}
