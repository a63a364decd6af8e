using CallServer.Domain.Media;

namespace CallServer.Domain.Rooms.Commands;

/// <summary>A client ICE candidate for its publishing (<c>publish</c>) or a subscription (a publisher id).</summary>
internal sealed record TrickleMedia(string ParticipantId, string Target, string CandidateJson) : MediaRequest(ParticipantId)
{
    internal override async Task<string?> SendAsync(IMediaServer media, MediaCall call, RoomState state, CancellationToken cancellationToken)
    {
        await media.TrickleAsync(call, ParticipantId, Target, CandidateJson, cancellationToken);
        return null;
    }
}
