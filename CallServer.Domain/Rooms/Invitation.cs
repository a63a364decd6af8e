namespace CallServer.Domain.Rooms;

/// <summary>
/// A ring: someone in the room calls an identity to it. It lives in the room's state, its deadline (<paramref name="ExpiresAt"/>)
/// among the room's deadlines, so that it ends exactly once whatever restarts in between.
/// </summary>
/// <param name="InvitationId">Unguessable, and names its room (<see cref="InvitationIds"/>).</param>
/// <param name="To">The identity that is called.</param>
/// <param name="FromParticipantId">The participant that called.</param>
/// <param name="State">See <see cref="InvitationStates"/>; an ended state never changes again.</param>
/// <param name="Reason">Why it ended, when the state alone does not say (<c>caller_left</c>, <c>call_ended</c>).</param>
/// <param name="Metadata">The app's own data about the call (at most <see cref="MaxMetadataLength"/> characters).</param>
internal sealed record Invitation(
    string InvitationId,
    string To,
    string FromParticipantId,
    string FromIdentity,
    string FromDisplayName,
    string State,
    string? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? EndedAt,
    string? Metadata)
{
    public const int MaxMetadataLength = 1024;

    public bool IsRinging => State == InvitationStates.Ringing;
}
