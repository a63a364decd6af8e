namespace CallServer.Domain.Rooms;

/// <summary>Why a room refused or could not carry out a command; the web side maps each to a status code.</summary>
internal enum RoomErrorKind
{
    /// <summary>The room has no live call.</summary>
    NotLive,

    /// <summary>No such invitation for this caller (another user's is never revealed).</summary>
    NoInvitation,

    /// <summary>The invitation has ended already (its state says how).</summary>
    InvitationEnded,

    /// <summary>An invitation that cannot be made: the identity is in the room or ringing, or too many ring.</summary>
    InvitationConflict,

    /// <summary>The room has <c>Rooms:MaxParticipants</c> participants.</summary>
    Full,

    /// <summary>The participant a request names (a target: of a mute, a kick, a signal, data) is not in this room.</summary>
    UnknownParticipant,

    /// <summary>The caller itself is no longer in the room (it left, was removed, replaced, or timed out): it must join again.</summary>
    NotInRoom,

    /// <summary>The caller's identity was removed from this call and may not rejoin it yet.</summary>
    Banned,

    /// <summary>A request the rules refuse as malformed (a signal or data to oneself).</summary>
    InvalidRequest,

    /// <summary>The room's mailbox is full.</summary>
    Busy,

    /// <summary>The backup store cannot be reached; nothing was acknowledged.</summary>
    Unavailable,

    /// <summary>The worker crashed on this command and was restarted from its backup.</summary>
    Crashed,

    /// <summary>A media request the media server or the room refused (bad SDP, unknown publisher, not in an SFU mode).</summary>
    InvalidMedia,

    /// <summary>The media server cannot be reached.</summary>
    MediaUnavailable,

    /// <summary>The server is shutting down.</summary>
    Stopping,

    /// <summary>The participant's grants do not allow this.</summary>
    NotAllowed,

    /// <summary>This instance holds <c>Rooms:MaxLiveRooms</c> live rooms and takes no new one.</summary>
    AtCapacity,

    /// <summary>A join retry key that another identity, or another display name, used first.</summary>
    KeyReused,

    /// <summary>The caller is over a rate (a participant's connects, or its block after a flood): nothing was changed.</summary>
    RateLimited,
}
