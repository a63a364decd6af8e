namespace CallServer.Domain.Rooms.Commands;

/// <summary>Ends the call for everyone (admin).</summary>
/// <remarks><paramref name="By"/> is the admin participant who ends it from the hub, null for the admin key.</remarks>
internal sealed record EndCall(string Reason, string? By = null) : RoomChange
{
    internal override RoomDecision Decide(RoomState state, RuleContext context)
    {
        RoomRules.RequireModerator(state, By);
        return RoomRules.RequireLive(state, RoomRules.Remove(state, [.. state.Participants.Select(p => p.ParticipantId)], Reason, context));
    }
}
