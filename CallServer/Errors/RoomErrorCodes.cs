using CallServer.Domain.Rooms;

namespace CallServer.Errors;

/// <summary>The code of each refusal a room gives: the one mapping from the domain's kinds to the contract's codes.</summary>
internal static class RoomErrorCodes
{
    public static ErrorCode Of(RoomErrorKind kind) => kind switch
    {
        RoomErrorKind.NotLive => ErrorCodes.RoomNotLive,
        RoomErrorKind.NoInvitation => ErrorCodes.NotFound,
        RoomErrorKind.InvitationEnded => ErrorCodes.InvitationEnded,
        RoomErrorKind.InvitationConflict => ErrorCodes.InvitationConflict,
        RoomErrorKind.Full => ErrorCodes.RoomFull,
        RoomErrorKind.UnknownParticipant => ErrorCodes.UnknownParticipant,
        RoomErrorKind.NotInRoom => ErrorCodes.NotInRoom,
        RoomErrorKind.Banned => ErrorCodes.Banned,
        RoomErrorKind.InvalidRequest => ErrorCodes.InvalidRequest,
        RoomErrorKind.Busy => ErrorCodes.RoomBusy,
        RoomErrorKind.Unavailable => ErrorCodes.StoreUnavailable,
        RoomErrorKind.Crashed => ErrorCodes.RoomRestarted,
        RoomErrorKind.InvalidMedia => ErrorCodes.InvalidMedia,
        RoomErrorKind.MediaUnavailable => ErrorCodes.MediaUnavailable,
        RoomErrorKind.Stopping => ErrorCodes.ServerStopping,
        RoomErrorKind.NotAllowed => ErrorCodes.NotAllowed,
        RoomErrorKind.AtCapacity => ErrorCodes.AtCapacity,
        RoomErrorKind.KeyReused => ErrorCodes.KeyReused,
        RoomErrorKind.RateLimited => ErrorCodes.RateLimited,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a refusal without an error code"),
    };
}
