using CallServer.Domain.History;

namespace CallServer.History;

/// <summary>One call of a user's recent calls (docs/API.md §10): its part in the call, as that user lived it.</summary>
/// <param name="Direction">outgoing, incoming or joined.</param>
/// <param name="Outcome">Incoming: answered, missed, declined, busy, canceled. Outgoing: answered, not_answered, canceled. Joined: completed.</param>
/// <param name="StartedAt">When the call began for the user: its dial, its first ring, or its join.</param>
/// <param name="AnsweredAt">Incoming: when the user joined; outgoing: when the first identity it called joined; joined: when it joined.</param>
/// <param name="EndedAt">When the user's part ended.</param>
/// <param name="DurationSeconds">The user's own time in the call (0 when never in it).</param>
/// <param name="Peers">The other identities that were in the call, or that the user called or was called by.</param>
/// <param name="InvitationId">The ring that made the call incoming or outgoing; null for joined.</param>
internal sealed record RecentCallRecord(
    string CallId,
    string RoomId,
    string Direction,
    string Outcome,
    DateTimeOffset StartedAt,
    DateTimeOffset? AnsweredAt,
    DateTimeOffset EndedAt,
    long DurationSeconds,
    IReadOnlyList<RecentPeer> Peers,
    string? InvitationId);
