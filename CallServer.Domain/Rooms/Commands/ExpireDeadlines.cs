namespace CallServer.Domain.Rooms.Commands;

/// <summary>A timer tick: removes participants whose deadline passed, and ends rings whose time is up (missed).</summary>
internal sealed record ExpireDeadlines() : RoomChange
{
    internal override bool IsAsked => false;

    internal override RoomDecision Decide(RoomState state, RuleContext context)
    {
        var removed = RoomRules.Remove(state, RoomRules.Expired(state, context.Now), LeaveReasons.Timeout, context);
        var after = removed.Next ?? state;
        var next = after.IsLive ? RoomRules.ExpireRings(after, context) : after;
        return next == state ? RoomDecision.Unchanged() : new RoomDecision(next, context.Log.Events);
    }
}
