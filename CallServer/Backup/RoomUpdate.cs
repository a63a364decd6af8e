using CallServer.Domain.Rooms;

namespace CallServer.Backup;

/// <summary>What a room publishes on the status channel: its new status and, when the call just ended, why.</summary>
internal sealed record RoomUpdate(RoomStatus Status, string? EndReason, IReadOnlyList<RemovedParticipant>? Removed = null)
{
    /// <summary>The update a change publishes: its status, and who it removed and why (from its history events).</summary>
    public static RoomUpdate Of(RoomState next, IReadOnlyList<RoomEvent> events)
    {
        var removed = events.Select(NoticeOf).OfType<RemovedParticipant>().ToList();
        return new RoomUpdate(RoomStatus.From(next), next.IsLive ? null : next.EndReason, removed.Count > 0 ? removed : null);
    }

    /// <summary>The clients' notice an event makes, decided per kind: only a departure tells the room who is gone and why.</summary>
    internal static RemovedParticipant? NoticeOf(RoomEvent e) => e.Fact switch
    {
        ParticipantLeft left when e.ParticipantId is not null => new RemovedParticipant(e.ParticipantId, left.Reason),
        ParticipantLeft or CallStarted or ParticipantJoined or ParticipantConnected or ParticipantReconnecting or MediaChanged
            or MetadataChanged or CallEnded or InvitationRinging or InvitationEnded or UnknownFact => null,
        _ => throw new UnhandledRoomFactException(e.Fact, "the clients' notices"),
    };
}
