namespace CallServer.Domain.History;

/// <summary>A ring from or to a user, as the user's call row remembers it (<see cref="Rooms.InvitationStates"/>).</summary>
internal sealed record RecentInvitation(string InvitationId, string From, string To, string State);
