namespace CallServer.Domain.Rooms.Commands;

/// <summary>
/// Asks for the current status; with <paramref name="RequireLive"/>, refused when the room has no live call; with a
/// <paramref name="Caller"/> (a participant asking through the hub), refused unless it is still in the room.
/// </summary>
internal sealed record GetStatus(bool RequireLive = true, string? Caller = null) : RoomChange
{
    internal override bool ReadsBackup => true;

    internal override RoomDecision Decide(RoomState state, RuleContext context)
    {
        if (Caller is not null)
        {
            RoomRules.RequireCaller(state, Caller);
        }

        return RequireLive ? RoomRules.RequireLive(state, RoomDecision.Unchanged()) : RoomDecision.Unchanged();
    }
}
