namespace CallServer.History;

/// <summary>A past or current call of a room, with who took part.</summary>
internal sealed record CallRecord(
    string CallId,
    string RoomId,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    IReadOnlyList<CallParticipantRecord> Participants);
