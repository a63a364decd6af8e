namespace CallServer.History;

/// <summary>One event of a call, as stored.</summary>
internal sealed record CallEventRecord(
    long Seq,
    string Type,
    string? ParticipantId,
    DateTimeOffset At,
    IReadOnlyDictionary<string, string>? Data,
    string? Identity);
