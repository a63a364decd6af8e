namespace CallServer.Domain.Rooms.Commands;

/// <summary>A hub connection of the participant opened on an instance.</summary>
internal sealed record ConnectParticipant(string ParticipantId, string ConnectionId, string InstanceId) : RoomChange
{
    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.Connect(state, this, context);
}
