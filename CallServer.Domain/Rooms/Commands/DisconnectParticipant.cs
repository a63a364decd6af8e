namespace CallServer.Domain.Rooms.Commands;

/// <summary>A hub connection closed; the participant reconnects within its grace period or is removed.</summary>
internal sealed record DisconnectParticipant(string ParticipantId, string ConnectionId) : RoomChange
{
    internal override bool MustDeliver => true;

    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.Disconnect(state, this, context);
}
