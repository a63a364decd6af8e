using CallServer.Domain.Media;

namespace CallServer.Domain.Rooms.Commands;

/// <summary>Subscribe to a publisher; the answer is the media server's SDP offer.</summary>
internal sealed record SubscribeMedia(string ParticipantId, string PublisherId) : MediaRequest(ParticipantId)
{
    internal override async Task<string?> SendAsync(IMediaServer media, MediaCall call, RoomState state, CancellationToken cancellationToken) =>
        await media.SubscribeAsync(call, ParticipantId, PublisherId, cancellationToken);
}
