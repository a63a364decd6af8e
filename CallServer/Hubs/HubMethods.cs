namespace CallServer.Hubs;

/// <summary>The names of server-to-client events (docs/API.md §5).</summary>
internal static class HubMethods
{
    public const string Status = "status";

    /// <summary>To a connection that joined over the hub: the join's answer, before anything else.</summary>
    public const string Joined = "joined";
    public const string Signal = "signal";
    public const string Candidate = "candidate";
    public const string Ended = "ended";
    public const string Removed = "removed";
    public const string Data = "data";
    public const string Closing = "closing";
    public const string Muted = "muted";

    /// <summary>On the user hub: an invitation of the user, created or changed.</summary>
    public const string Invitation = "invitation";
}
