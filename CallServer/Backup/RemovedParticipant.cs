namespace CallServer.Backup;

/// <summary>A participant a change removed, and why (<c>left</c>, <c>kicked</c>, <c>replaced</c>, <c>timeout</c>, …).</summary>
internal sealed record RemovedParticipant(string ParticipantId, string Reason);
