namespace CallServer.Domain.Media;

/// <summary>What media servers tell the rooms: candidates for clients, and media sessions lost (clients must renegotiate).</summary>
internal interface IMediaEvents
{
    /// <summary>An ICE candidate of the media server for a participant's peer connection <paramref name="target"/>.</summary>
    void CandidateFound(MediaCall call, string participantId, string target, string candidateJson);

    /// <summary>The media server lost this call's media (restart, dropped connection): it is rebuilt as clients publish again.</summary>
    void MediaLost(MediaCall call);
}
