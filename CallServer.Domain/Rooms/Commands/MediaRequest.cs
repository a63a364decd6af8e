using CallServer.Domain.Media;

namespace CallServer.Domain.Rooms.Commands;

/// <summary>A participant's request to the media server; the worker starts it and answers when the media server has.</summary>
internal abstract record MediaRequest(string ParticipantId) : MediaMessage
{
    /// <summary>The participant's membership and grants are checked on the stored version.</summary>
    internal sealed override bool ReadsBackup => true;

    /// <summary>Sends this request to the media server; the SDP it answers, if any.</summary>
    internal abstract Task<string?> SendAsync(IMediaServer media, MediaCall call, RoomState state, CancellationToken cancellationToken);

    internal sealed override void HandleBy(RoomMediaBridge bridge, RoomState state, CancellationToken stopping) => bridge.Request(this, state, stopping);
}
