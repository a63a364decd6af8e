namespace CallServer.Rooms.Commands;

/// <summary>Ends the call for everyone (admin).</summary>
internal sealed record EndCall(string Reason) : RoomChange
{
    internal override RoomDecision Decide(RoomState state, RuleContext context) =>
        RoomRules.RequireLive(state, RoomRules.Remove(state, [.. state.Participants.Select(p => p.ParticipantId)], Reason, context));
}
