using CallServer.Rooms;

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

    /// <summary>The webhook types a room event becomes: none for those a receiver has no use for (metadata changes).</summary>
    public static IEnumerable<string> Of(RoomEvent e) => e.Type switch
    {
        RoomEventTypes.CallStarted => [CallStarted],
        // a failed room ends its call too: room.failed first, then call.ended, so that billing sees every end
        RoomEventTypes.CallEnded when e.Data?.GetValueOrDefault("reason") == LeaveReasons.Failed => [RoomFailed, CallEnded],
        RoomEventTypes.CallEnded => [CallEnded],
        RoomEventTypes.ParticipantJoined => [ParticipantJoined],
        RoomEventTypes.ParticipantConnected => [ParticipantConnected],
        RoomEventTypes.ParticipantReconnecting => [ParticipantReconnecting],
        RoomEventTypes.ParticipantLeft => [ParticipantLeft],
        RoomEventTypes.MediaChanged => [MediaChanged],
        _ => [],
    };
}
