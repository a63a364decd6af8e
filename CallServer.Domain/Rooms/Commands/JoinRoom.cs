namespace CallServer.Rooms.Commands;

/// <summary>Adds a participant, starting a new call when the room is not live; a repeated <c>JoinKey</c> returns the participant it added.</summary>
internal sealed record JoinRoom(string DisplayName, string? JoinKey) : RoomChange
{
    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.Join(state, this, context);
}
