namespace CallServer.Domain.Rooms;

/// <summary>The status every client sees (docs/API.md §3): sent after every change of the room.</summary>
internal sealed record RoomStatus(
    string RoomId,
    string? CallId,
    long Version,
    string State,
    IReadOnlyList<ParticipantStatus> Participants,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Metadata = null,
    IReadOnlyList<InvitationView>? Invitations = null)
{
    public static RoomStatus From(RoomState state) => new(
        state.RoomId,
        state.CallId,
        state.Version,
        state.Phase switch
        {
            RoomPhase.Waiting => "waiting",
            RoomPhase.Active => "active",
            RoomPhase.Ended => "ended",
            _ => "failed",
        },
        [.. state.Participants.Select(ParticipantStatus.From)],
        state.CreatedAt,
        state.UpdatedAt,
        state.Metadata,
        [.. (state.Invitations ?? []).Select(i => InvitationView.Of(state, i))]);
}
