using CallServer.Domain.Media;

namespace CallServer.Domain.Rooms.Commands;

/// <summary>Publish: the participant's SDP offer for what it sends; the answer is the media server's SDP answer.</summary>
internal sealed record PublishMedia(string ParticipantId, string SdpOffer) : MediaRequest(ParticipantId)
{
    internal override async Task<string?> SendAsync(IMediaServer media, MediaCall call, RoomState state, CancellationToken cancellationToken) =>
        await media.PublishAsync(call, ParticipantId, state.Find(ParticipantId)!.DisplayName, SdpOffer, cancellationToken);
}
