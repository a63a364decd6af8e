namespace CallServer.Domain.Rooms.Commands;

/// <summary>A timer tick: removes participants whose deadline passed.</summary>
internal sealed record ExpireDeadlines() : RoomChange
{
    internal override bool IsAsked => false;

    internal override RoomDecision Decide(RoomState state, RuleContext context) =>
        RoomRules.Remove(state, RoomRules.Expired(state, context.Now), LeaveReasons.Timeout, context);
}
