namespace CallServer.Rooms.Commands;

/// <summary>A client ICE candidate for its publishing (<c>publish</c>) or a subscription (a publisher id).</summary>
internal sealed record TrickleMedia(string ParticipantId, string Target, string CandidateJson) : MediaRequest(ParticipantId);
