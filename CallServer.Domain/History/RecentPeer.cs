namespace CallServer.Domain.History;

/// <summary>Another identity of a user's call: in the call at some time, or invited by or to the user.</summary>
/// <param name="DisplayName">Its name as it joined or rang; null for an invitee that never joined.</param>
internal sealed record RecentPeer(string Identity, string? DisplayName);
