namespace CallServer.Rooms.Commands;

/// <summary>The subscriber's SDP answer for a subscription.</summary>
internal sealed record AnswerMedia(string ParticipantId, string PublisherId, string SdpAnswer) : MediaRequest(ParticipantId);
