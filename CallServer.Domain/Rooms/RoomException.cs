namespace CallServer.Domain.Rooms;

/// <summary>A command that a room refused or could not carry out; the room's acknowledged state is unchanged.</summary>
internal sealed class RoomException(RoomErrorKind kind, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public RoomErrorKind Kind { get; } = kind;

    /// <summary>For <see cref="RoomErrorKind.InvitationEnded"/>: the state it ended in.</summary>
    public string? InvitationState { get; init; }
}
