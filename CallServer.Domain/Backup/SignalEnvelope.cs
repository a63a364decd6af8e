namespace CallServer.Domain.Backup;

/// <summary>
/// A message for one participant on its way through Redis to whichever instance holds its connection: a <c>signal</c> from
/// another participant (or from the media server, <c>From</c> = <see cref="SignalEnvelope.MediaServer"/>), or a media server's
/// ICE <c>candidate</c>.
/// </summary>
/// <param name="Kind"><c>signal</c>, <c>candidate</c>, <c>data</c> or <c>muted</c>.</param>
/// <param name="Target">For candidates: which of the participant's peer connections it belongs to.</param>
internal sealed record SignalEnvelope(string RoomId, string To, string From, string Type, string Payload, string Kind = SignalEnvelope.Signal, string? Target = null)
{
    public const string Signal = "signal";
    public const string Candidate = "candidate";

    /// <summary>In-call data between participants (chat, reactions): delivered as a <c>data</c> event.</summary>
    public const string Data = "data";

    /// <summary>A moderator turned the receiver's media off: delivered as a <c>muted</c> event (and, for older clients, as
    /// <c>signal</c> from <see cref="Server"/>, type <c>muted</c>). <c>From</c> is the moderator (<see cref="Server"/> for the
    /// admin key), <c>Payload</c> <c>{"audio","video"}</c>, true for what was turned off.</summary>
    public const string Muted = "muted";

    /// <summary>The sender of what the server itself tells a participant (for example <c>muted</c>).</summary>
    public const string Server = "server";
    public const string MediaServer = "media-server";
}
