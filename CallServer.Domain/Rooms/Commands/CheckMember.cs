namespace CallServer.Domain.Rooms.Commands;

/// <summary>Checks that a participant is in the room, before its hub connection hears anything of the room.</summary>
internal sealed record CheckMember(string ParticipantId) : RoomChange
{
    internal override bool ReadsBackup => true;

    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.CheckMember(state, this);
}
