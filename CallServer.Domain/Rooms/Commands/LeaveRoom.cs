namespace CallServer.Rooms.Commands;

/// <summary>Removes a participant; leaving twice is not an error.</summary>
internal sealed record LeaveRoom(string ParticipantId) : RoomChange
{
    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.Remove(state, [ParticipantId], LeaveReasons.Left, context);
}
