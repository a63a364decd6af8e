using CallServer.Domain.Rooms;

namespace CallServer.Webhooks;

/// <summary>The webhook event types (docs/API.md §7), and the room events each comes from.</summary>
internal static class WebhookEventTypes
{
    public const string CallStarted = "call.started";
    public const string CallEnded = "call.ended";
    public const string ParticipantJoined = "participant.joined";
    public const string ParticipantConnected = "participant.connected";
    public const string ParticipantReconnecting = "participant.reconnecting";
    public const string ParticipantLeft = "participant.left";
    public const string MediaChanged = "participant.media_changed";
    public const string RoomFailed = "room.failed";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        CallStarted, CallEnded, ParticipantJoined, ParticipantConnected, ParticipantReconnecting, ParticipantLeft, MediaChanged, RoomFailed,
    };

    /// <summary>
    /// The webhook types a room event becomes, decided per kind: none for metadata changes (a receiver has no use for them), and
    /// none for a kind this version does not know (the sender logs it: <see cref="WebhooksLog.UnknownEvent"/>).
    /// </summary>
    public static IEnumerable<string> Of(RoomFact fact) => fact switch
    {
        Domain.Rooms.CallStarted => [CallStarted],
        // a failed room ends its call too: room.failed first, then call.ended, so that billing sees every end
        Domain.Rooms.CallEnded { Reason: LeaveReasons.Failed } => [RoomFailed, CallEnded],
        Domain.Rooms.CallEnded => [CallEnded],
        Domain.Rooms.ParticipantJoined => [ParticipantJoined],
        Domain.Rooms.ParticipantConnected => [ParticipantConnected],
        Domain.Rooms.ParticipantReconnecting => [ParticipantReconnecting],
        Domain.Rooms.ParticipantLeft => [ParticipantLeft],
        Domain.Rooms.MediaChanged => [MediaChanged],
        MetadataChanged => [],
        UnknownFact => [],
        _ => throw new UnhandledRoomFactException(fact, "the webhooks"),
    };
}
