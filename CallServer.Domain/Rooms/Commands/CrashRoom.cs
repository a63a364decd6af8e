namespace CallServer.Domain.Rooms.Commands;

/// <summary>Chaos only (<c>Rooms:EnableFaultInjection</c>): decides nothing, and the fault injector then crashes the worker.</summary>
internal sealed record CrashRoom() : RoomChange
{
    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomDecision.Unchanged();
}
