using CallServer.Backup;
using CallServer.Media;
using CallServer.Rooms.Commands;

namespace CallServer.Rooms;

/// <summary>Routes media server events: candidates to their participant (through Redis), lost media to the room's worker.</summary>
internal sealed class RoomMediaEvents(IServiceProvider services, SignalPublisher signals, ILogger<RoomMediaEvents> logger) : IMediaEvents
{
    // the supervisor needs the media server, which needs these events: resolve it when the first event comes
    private RoomSupervisor Rooms => services.GetRequiredService<RoomSupervisor>();

    public void CandidateFound(MediaCall call, string participantId, string target, string candidateJson) =>
        _ = PublishAsync(new SignalEnvelope(call.RoomId, participantId, SignalEnvelope.MediaServer, SignalEnvelope.Candidate, candidateJson, SignalEnvelope.Candidate, target));

    public void MediaLost(MediaCall call) => Rooms.Post(call.RoomId, new RenegotiateMedia(call.CallId));

    private async Task PublishAsync(SignalEnvelope envelope)
    {
        try
        {
            await signals.PublishAsync(envelope, CancellationToken.None);
        }
        catch (Exception ex) when (StoreFailures.IsUnavailable(ex))
        {
            RoomsLog.MediaEventLost(logger, ex);
        }
    }
}
