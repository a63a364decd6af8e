namespace CallServer.History;

/// <summary>One participant of a call: when it joined and left, and why it left (<c>left</c>, <c>timeout</c>, <c>ended</c>, <c>failed</c>).</summary>
internal sealed record CallParticipantRecord(
    string ParticipantId,
    string DisplayName,
    DateTimeOffset JoinedAt,
    DateTimeOffset? LeftAt,
    string? LeaveReason,
    string Identity);
