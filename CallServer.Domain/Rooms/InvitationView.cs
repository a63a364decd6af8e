namespace CallServer.Domain.Rooms;

/// <summary>An invitation as apps see it (docs/API.md §9): in the room's status, on the user hub and over REST.</summary>
internal sealed record InvitationView(
    string InvitationId,
    string RoomId,
    string CallId,
    string To,
    InvitationCaller From,
    string State,
    string? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? EndedAt,
    string? Metadata)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsRinging => State == InvitationStates.Ringing;

    public static InvitationView Of(RoomState state, Invitation i) => new(
        i.InvitationId, state.RoomId, state.CallId ?? "", i.To, new InvitationCaller(i.FromParticipantId, i.FromIdentity, i.FromDisplayName),
        i.State, i.Reason, i.CreatedAt, i.ExpiresAt, i.EndedAt, i.Metadata);
}

/// <summary>Who calls: the participant, its identity and its display name.</summary>
internal sealed record InvitationCaller(string ParticipantId, string Identity, string DisplayName);
