namespace CallServer.History;

/// <summary>One call with its participants and every event in <c>seq</c> order.</summary>
internal sealed record CallDetails(
    string CallId,
    string RoomId,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    IReadOnlyList<CallParticipantRecord> Participants,
    IReadOnlyList<CallEventRecord> Events);
