namespace CallServer.Hubs;

/// <summary>
/// Why the server closes a hub connection, sent as <c>closing</c> <c>{ "reason", "reconnect" }</c> just before the close
/// (SignalR's own close carries no reason a client can read): whether the app reconnects is a property of the reason.
/// </summary>
internal sealed record CloseReason(string Code, bool Reconnect, string Meaning)
{
    public static readonly CloseReason ReplacedByNewerConnection = new("replaced_by_newer_connection", false,
        "The participant opened more connections than Limits:ConnectionsPerParticipant; this, the oldest, goes. Do not reconnect it: the newer one is live.");

    public static readonly CloseReason Removed = new("removed", false,
        "The participant left the call or was removed (kicked, replaced by a newer join of its identity, timed out); `removed` said why. Join again to come back.");

    public static readonly CloseReason Ended = new("ended", false,
        "The call ended (or the room failed); `ended` said why.");

    public static readonly CloseReason Draining = new("draining", true,
        "This instance is stopping: reconnect at once with the same token; another instance takes the connection.");

    public static readonly CloseReason RateLimited = new("rate_limited", true,
        "The participant kept calling over its rate: its connections are closed and new ones refused for Limits:HubFloodBlockSeconds; reconnect after that, and call less often.");

    public static readonly IReadOnlyList<CloseReason> All = [ReplacedByNewerConnection, Removed, Ended, Draining, RateLimited];
}
