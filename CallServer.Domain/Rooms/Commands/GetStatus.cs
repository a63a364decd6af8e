namespace CallServer.Domain.Rooms.Commands;

/// <summary>Asks for the current status; with <paramref name="RequireLive"/>, refused when the room has no live call.</summary>
internal sealed record GetStatus(bool RequireLive = true) : RoomChange
{
    internal override bool ReadsBackup => true;

    internal override RoomDecision Decide(RoomState state, RuleContext context) =>
        RequireLive ? RoomRules.RequireLive(state, RoomDecision.Unchanged()) : RoomDecision.Unchanged();
}
