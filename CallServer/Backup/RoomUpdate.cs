using CallServer.Rooms;

namespace CallServer.Backup;

/// <summary>What a room publishes on the status channel: its new status and, when the call just ended, why.</summary>
internal sealed record RoomUpdate(RoomStatus Status, string? EndReason, IReadOnlyList<RemovedParticipant>? Removed = null)
{
    /// <summary>The update a change publishes: its status, and who it removed and why (from its history events).</summary>
    public static RoomUpdate Of(RoomState next, IReadOnlyList<RoomEvent> events)
    {
        var removed = events
            .Where(e => e.Type == RoomEventTypes.ParticipantLeft && e.ParticipantId is not null)
            .Select(e => new RemovedParticipant(e.ParticipantId!, e.Data?.GetValueOrDefault("reason") ?? LeaveReasons.Left))
            .ToList();
        return new RoomUpdate(RoomStatus.From(next), next.IsLive ? null : next.EndReason, removed.Count > 0 ? removed : null);
    }
}
