using CallServer.Domain.Media;

namespace CallServer.Domain.Rooms.Commands;

/// <summary>The subscriber's SDP answer for a subscription.</summary>
internal sealed record AnswerMedia(string ParticipantId, string PublisherId, string SdpAnswer) : MediaRequest(ParticipantId)
{
    internal override async Task<string?> SendAsync(IMediaServer media, MediaCall call, RoomState state, CancellationToken cancellationToken)
    {
        await media.AnswerAsync(call, ParticipantId, PublisherId, SdpAnswer, cancellationToken);
        return null;
    }
}
