using CallServer.Domain.Rooms.Commands;

namespace CallServer.Domain.Rooms;

/// <summary>What a command does to a room: the next state (null when nothing changes), its history events, and who it concerns.</summary>
internal sealed record RoomDecision(RoomState? Next, IReadOnlyList<RoomEvent> Events, Participant? Participant = null)
{
    /// <summary>True when the caller is not in the room and may not see its current participants and metadata.</summary>
    public bool Withheld { get; init; }

    public static RoomDecision Unchanged(Participant? participant = null) => new(null, [], participant);

    /// <summary>The answer to give once <paramref name="state"/> (the stored one) is what the room holds.</summary>
    public RoomReply ReplyFor(RoomState state)
    {
        var status = RoomStatus.From(state);
        return new(Withheld ? status with { Participants = [], Metadata = null, Invitations = [] } : status, Participant);
    }
}
