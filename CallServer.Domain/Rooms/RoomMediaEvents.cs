using CallServer.Domain.Backup;
using CallServer.Domain.Media;
using CallServer.Domain.Rooms.Commands;

namespace CallServer.Domain.Rooms;

/// <summary>
/// Routes media server events: candidates to their participant (through the signal publisher), lost media to the room's
/// worker. The supervisor needs the media server, which needs these events: the supervisor connects itself here when it is
/// built (<see cref="RouteTo"/>), rather than the events looking it up.
/// </summary>
internal sealed class RoomMediaEvents(ISignalPublisher signals, ILogger<RoomMediaEvents> logger) : IMediaEvents
{
    private RoomSupervisor? _rooms;

    public void RouteTo(RoomSupervisor rooms) => _rooms = rooms;

    public void CandidateFound(MediaCall call, string participantId, string target, string candidateJson) =>
        _ = PublishAsync(new SignalEnvelope(call.RoomId, participantId, SignalEnvelope.MediaServer, SignalEnvelope.Candidate, candidateJson, SignalEnvelope.Candidate, target));

    public void MediaLost(MediaCall call)
    {
        if (_rooms is { } rooms)
        {
            rooms.Post(call.RoomId, new RenegotiateMedia(call.CallId));
        }
        else
        {
            RoomsLog.MediaEventLost(logger, new InvalidOperationException("Media event before the room supervisor started."));
        }
    }

    private async Task PublishAsync(SignalEnvelope envelope)
    {
        try
        {
            await signals.PublishAsync(envelope, CancellationToken.None);
        }
        catch (StoreUnavailableException ex)
        {
            RoomsLog.MediaEventLost(logger, ex);
        }
    }
}
