using System.Collections.Immutable;

namespace CallServer.Domain.Rooms;

/// <summary>The whole state of one room: what the worker owns and what the backup keeps.</summary>
/// <param name="Version">+1 on every change; backup writes compare it.</param>
/// <param name="EventSeq">The last history event sequence number of the current call.</param>
/// <param name="EndReason">Why the last call ended (<c>empty</c>, <c>ended</c>, <c>failed</c>).</param>
/// <param name="Metadata">The app's own data about the room.</param>
/// <param name="Bans">Identities removed by a moderator from the current call, and until when they may not rejoin it.</param>
/// <param name="LeaveKeys">Participants of the current call that left with an <c>Idempotency-Key</c>, and that key: a retry of
/// that leave is answered again, though its participant is gone.</param>
/// <param name="Invitations">The current call's invitations, in creation order (null: none).</param>
/// <param name="Dialed">The call was made by dialing (<c>POST /calls</c>): it ends <c>not_answered</c> when nobody answers.</param>
internal sealed record RoomState(
    string RoomId,
    string? CallId,
    long Version,
    RoomPhase Phase,
    ImmutableList<Participant> Participants,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long EventSeq,
    string? EndReason,
    string? Metadata = null,
    ImmutableDictionary<string, DateTimeOffset>? Bans = null,
    ImmutableDictionary<string, string>? LeaveKeys = null,
    ImmutableList<Invitation>? Invitations = null,
    bool Dialed = false)
{
    /// <summary>A room that has never been used.</summary>
    public static RoomState Empty(string roomId) =>
        new(roomId, null, 0, RoomPhase.Ended, [], DateTimeOffset.MinValue, DateTimeOffset.MinValue, 0, null);

    public bool IsLive => Phase is RoomPhase.Waiting or RoomPhase.Active;

    public Participant? Find(string participantId) =>
        Participants.Find(p => p.ParticipantId == participantId);

    public Invitation? FindInvitation(string invitationId) =>
        Invitations?.Find(i => i.InvitationId == invitationId);

    /// <summary>The earliest presence deadline or end of a ring, when the worker must look at the room again.</summary>
    public DateTimeOffset? NextDeadline()
    {
        DateTimeOffset? next = null;
        foreach (var p in Participants)
        {
            if (p.Deadline is { } d && (next is null || d < next))
            {
                next = d;
            }
        }

        foreach (var i in Invitations ?? [])
        {
            if (i.IsRinging && (next is null || i.ExpiresAt < next))
            {
                next = i.ExpiresAt;
            }
        }

        return next;
    }
}
