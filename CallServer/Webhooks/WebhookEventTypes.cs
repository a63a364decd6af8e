using CallServer.Domain.Rooms;
using CallServer.Events;

namespace CallServer.Webhooks;

/// <summary>The webhook event types (docs/API.md §7): the names of <see cref="EventNames"/>, and <c>room.failed</c>.</summary>
internal static class WebhookEventTypes
{
    public const string CallStarted = EventNames.CallStarted;
    public const string CallEnded = EventNames.CallEnded;
    public const string ParticipantJoined = EventNames.ParticipantJoined;
    public const string ParticipantConnected = EventNames.ParticipantConnected;
    public const string ParticipantReconnecting = EventNames.ParticipantReconnecting;
    public const string ParticipantLeft = EventNames.ParticipantLeft;
    public const string MediaChanged = EventNames.MediaChanged;
    public const string ParticipantMetadataChanged = EventNames.ParticipantMetadataChanged;
    public const string RoomMetadataChanged = EventNames.RoomMetadataChanged;

    public const string InvitationRinging = EventNames.InvitationRinging;
    public const string InvitationAccepted = EventNames.InvitationAccepted;
    public const string InvitationDeclined = EventNames.InvitationDeclined;
    public const string InvitationBusy = EventNames.InvitationBusy;
    public const string InvitationCanceled = EventNames.InvitationCanceled;
    public const string InvitationMissed = EventNames.InvitationMissed;

    /// <summary>Sent before <c>call.ended</c> when the room failed, so that billing and alerting see a failure as one.</summary>
    public const string RoomFailed = "room.failed";

    /// <summary>The types an endpoint takes when its <c>Events</c> list is left out: not the frequent media and metadata changes.</summary>
    public static readonly IReadOnlySet<string> Default = new HashSet<string>(StringComparer.Ordinal)
    {
        CallStarted, CallEnded, ParticipantJoined, ParticipantConnected, ParticipantReconnecting, ParticipantLeft, RoomFailed,
        InvitationRinging, InvitationAccepted, InvitationDeclined, InvitationBusy, InvitationCanceled, InvitationMissed,
    };

    public static readonly IReadOnlySet<string> All = new HashSet<string>(Default, StringComparer.Ordinal)
    {
        MediaChanged, ParticipantMetadataChanged, RoomMetadataChanged,
    };

    /// <summary>
    /// The webhook types a room event becomes: its name, and <c>room.failed</c> before the end of a failed room; none for a kind
    /// this version does not know (the sender logs it: <see cref="WebhooksLog.UnknownEvent"/>).
    /// </summary>
    public static IEnumerable<string> Of(RoomFact fact, string? participantId) => fact switch
    {
        Domain.Rooms.CallEnded { Reason: LeaveReasons.Failed } => [RoomFailed, CallEnded],
        _ => EventNames.Of(fact, participantId) is { } name ? [name] : [],
    };
}
