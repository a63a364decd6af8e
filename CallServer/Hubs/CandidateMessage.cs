namespace CallServer.Hubs;

/// <summary>
/// The <c>candidate</c> event (SFU modes): an ICE candidate of the media server for one of the participant's peer connections,
/// <c>target</c> being <c>publish</c> or the publisher id of a subscription; <c>candidate</c> is RTCIceCandidateInit JSON.
/// </summary>
internal sealed record CandidateMessage(string Target, string Candidate);
