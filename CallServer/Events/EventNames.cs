using System.Text.Json.Nodes;
using CallServer.Domain.Rooms;

namespace CallServer.Events;

/// <summary>
/// The one vocabulary of room events that apps read, in the history (<c>GET /calls/{id}</c>: <c>event</c>, <c>details</c>) and in
/// the webhooks (<c>type</c>, the details inside <c>data</c>): a name per kind, and the kind's details with their JSON types.
/// Decided per kind in one place; docs/API.md §7's table is generated from <see cref="Catalog"/> (EventVocabularyDocTests).
/// </summary>
internal static class EventNames
{
    public const string CallStarted = "call.started";
    public const string CallEnded = "call.ended";
    public const string ParticipantJoined = "participant.joined";
    public const string ParticipantConnected = "participant.connected";
    public const string ParticipantReconnecting = "participant.reconnecting";
    public const string ParticipantLeft = "participant.left";
    public const string MediaChanged = "participant.media_changed";
    public const string ParticipantMetadataChanged = "participant.metadata_changed";
    public const string RoomMetadataChanged = "room.metadata_changed";
    public const string InvitationRinging = "invitation.ringing";
    public const string InvitationAccepted = "invitation.accepted";
    public const string InvitationDeclined = "invitation.declined";
    public const string InvitationBusy = "invitation.busy";
    public const string InvitationCanceled = "invitation.canceled";
    public const string InvitationMissed = "invitation.missed";

    /// <summary>Every kind: its name, when it happens, and an example of its facts (for the table of its details).</summary>
    public static readonly IReadOnlyList<(string Name, string When, RoomFact Example, string? ParticipantId)> Catalog =
    [
        (CallStarted, "the first participant joined an idle room", new CallStarted(), null),
        (CallEnded, "the last participant left, an admin or moderator ended the call, or the room failed", new CallEnded("empty", 0), null),
        (ParticipantJoined, "a participant joined (REST)", new ParticipantJoined("Ann"), "p"),
        (ParticipantConnected, "its hub connection is up (first connect, or back from reconnecting)", new ParticipantConnected(), "p"),
        (ParticipantReconnecting, "its connection dropped; it has Rooms:ReconnectGraceSeconds to come back", new ParticipantReconnecting(), "p"),
        (ParticipantLeft, "it left, timed out, was removed, replaced, or the call ended", new ParticipantLeft("left"), "p"),
        (MediaChanged, "it turned its microphone or camera on or off, or a moderator turned them off", new MediaChanged(true, false, "p-host"), "p"),
        (ParticipantMetadataChanged, "it set its own metadata (SetMetadata; the status carries the value)", new MetadataChanged(), "p"),
        (RoomMetadataChanged, "a moderator or the admin key set the room's metadata (the status carries the value)", new MetadataChanged(), null),
        (InvitationRinging, "a participant called an identity (§9); the backend's cue to send the VoIP push; its participant is the caller", new InvitationRinging("inv_…", "bob", DateTimeOffset.UnixEpoch, "app data"), "p"),
        (InvitationAccepted, "the invitee answered and joined", new InvitationEnded("inv_…", "bob", Domain.Rooms.InvitationStates.Accepted, null), "p"),
        (InvitationDeclined, "the invitee declined", new InvitationEnded("inv_…", "bob", Domain.Rooms.InvitationStates.Declined, null), "p"),
        (InvitationBusy, "the invitee declined as busy (in another call)", new InvitationEnded("inv_…", "bob", Domain.Rooms.InvitationStates.Busy, null), "p"),
        (InvitationCanceled, "the caller or a moderator stopped the ring, the caller left (`caller_left`), or the call ended (`call_ended`)", new InvitationEnded("inv_…", "bob", Domain.Rooms.InvitationStates.Canceled, "caller_left"), "p"),
        (InvitationMissed, "nobody answered within ringSeconds", new InvitationEnded("inv_…", "bob", Domain.Rooms.InvitationStates.Missed, null), "p"),
    ];

    /// <summary>The name of a room event; null for a kind this version does not know (a newer version's).</summary>
    public static string? Of(RoomFact fact, string? participantId) => fact switch
    {
        Domain.Rooms.CallStarted => CallStarted,
        Domain.Rooms.CallEnded => CallEnded,
        Domain.Rooms.ParticipantJoined => ParticipantJoined,
        Domain.Rooms.ParticipantConnected => ParticipantConnected,
        Domain.Rooms.ParticipantReconnecting => ParticipantReconnecting,
        Domain.Rooms.ParticipantLeft => ParticipantLeft,
        Domain.Rooms.MediaChanged => MediaChanged,
        MetadataChanged => participantId is null ? RoomMetadataChanged : ParticipantMetadataChanged,
        Domain.Rooms.InvitationRinging => InvitationRinging,
        InvitationEnded ended => "invitation." + ended.State,
        UnknownFact => null,
        _ => throw new UnhandledRoomFactException(fact, "the event names"),
    };

    /// <summary>What a kind says beyond who and when, with its JSON types (an unknown kind: its stored strings).</summary>
    public static JsonObject Details(RoomFact fact)
    {
        var details = new JsonObject();
        switch (fact)
        {
            case Domain.Rooms.ParticipantJoined joined:
                details["displayName"] = joined.DisplayName;
                details["audio"] = joined.Audio;
                details["video"] = joined.Video;
                break;
            case Domain.Rooms.ParticipantLeft left:
                details["reason"] = left.Reason;
                break;
            case Domain.Rooms.MediaChanged media:
                details["audio"] = media.Audio;
                details["video"] = media.Video;
                if (media.By is not null)
                {
                    details["by"] = media.By;
                }

                break;
            case Domain.Rooms.CallEnded ended:
                details["reason"] = ended.Reason;
                details["durationSeconds"] = ended.DurationSeconds;
                break;
            case Domain.Rooms.InvitationRinging ringing:
                details["invitationId"] = ringing.InvitationId;
                details["to"] = ringing.To;
                details["state"] = Domain.Rooms.InvitationStates.Ringing;
                details["expiresAt"] = ringing.ExpiresAt;
                if (ringing.Metadata is not null)
                {
                    details["metadata"] = ringing.Metadata;
                }

                break;
            case InvitationEnded ended:
                details["invitationId"] = ended.InvitationId;
                details["to"] = ended.To;
                details["state"] = ended.State;
                if (ended.Reason is not null)
                {
                    details["reason"] = ended.Reason;
                }

                break;
            case UnknownFact unknown:
                foreach (var (key, value) in unknown.Data ?? new Dictionary<string, string>())
                {
                    details[key] = value;
                }

                break;
            case Domain.Rooms.CallStarted or Domain.Rooms.ParticipantConnected or Domain.Rooms.ParticipantReconnecting or MetadataChanged:
                break;
            default:
                throw new UnhandledRoomFactException(fact, "the event details");
        }

        return details;
    }
}
