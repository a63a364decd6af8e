namespace CallServer.Domain.Media;

/// <summary>
/// A media server that rooms go through (SFU modes), or none (mesh). Every call is asynchronous: the room worker starts it
/// and gets the outcome back as a mailbox message, so a slow or dead media server never blocks a room, let alone others.
/// Media-side events (ICE candidates, a lost session) come back through <see cref="IMediaEvents"/>.
/// </summary>
internal interface IMediaServer
{
    /// <summary><c>mesh</c>, <c>janus</c> or <c>kurento</c>.</summary>
    string Mode { get; }

    /// <summary>How many calls this instance holds on the media server (0 in mesh mode: none is needed).</summary>
    int Calls { get; }

    /// <summary>Takes a participant's SDP offer for what it sends; returns the media server's SDP answer.</summary>
    Task<string> PublishAsync(MediaCall call, string participantId, string displayName, string sdpOffer, CancellationToken cancellationToken);

    /// <summary>Starts sending a publisher's media to a subscriber; returns the media server's SDP offer.</summary>
    Task<string> SubscribeAsync(MediaCall call, string subscriberId, string publisherId, CancellationToken cancellationToken);

    /// <summary>The subscriber's SDP answer to <see cref="SubscribeAsync"/>'s offer.</summary>
    Task AnswerAsync(MediaCall call, string subscriberId, string publisherId, string sdpAnswer, CancellationToken cancellationToken);

    /// <summary>A client's ICE candidate (RTCIceCandidateInit JSON) for its publishing (<c>publish</c>) or a subscription (a publisher id).</summary>
    Task TrickleAsync(MediaCall call, string participantId, string target, string candidateJson, CancellationToken cancellationToken);

    /// <summary>Releases what a participant had on the media server.</summary>
    Task LeaveAsync(MediaCall call, string participantId, CancellationToken cancellationToken);

    /// <summary>Releases the whole call.</summary>
    Task CloseAsync(MediaCall call, CancellationToken cancellationToken);

    /// <summary>Null when the media server answers, else why not.</summary>
    Task<string?> ProblemAsync(CancellationToken cancellationToken);
}
