namespace CallServer.Domain.Rooms;

/// <summary>The names of history events.</summary>
internal static class RoomEventTypes
{
    public const string CallStarted = "call_started";
    public const string ParticipantJoined = "participant_joined";
    public const string ParticipantConnected = "participant_connected";
    public const string ParticipantReconnecting = "participant_reconnecting";
    public const string ParticipantLeft = "participant_left";
    public const string MediaChanged = "media_changed";
    public const string MetadataChanged = "metadata_changed";
    public const string CallEnded = "call_ended";
    public const string InvitationRinging = "invitation_ringing";
    public const string InvitationEnded = "invitation_ended";
}
