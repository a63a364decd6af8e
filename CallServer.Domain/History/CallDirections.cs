namespace CallServer.Domain.History;

/// <summary>How a user came to a call (docs/API.md §10).</summary>
internal static class CallDirections
{
    /// <summary>The user rang someone (dialed or invited) before anyone rang it.</summary>
    public const string Outgoing = "outgoing";

    /// <summary>The user was rung before it was in the call or rang anyone.</summary>
    public const string Incoming = "incoming";

    /// <summary>Otherwise: the user joined by room id, and rang no one.</summary>
    public const string Joined = "joined";
}
