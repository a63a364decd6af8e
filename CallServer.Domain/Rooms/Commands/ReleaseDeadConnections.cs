namespace CallServer.Domain.Rooms.Commands;

/// <summary>
/// Participants held by connections of instances that are gone start their reconnect grace. Posted by the worker itself
/// when its look at the instances' liveness finds dead ones; like a timer tick, it does not keep the room awake.
/// </summary>
internal sealed record ReleaseDeadConnections(IReadOnlySet<string> DeadInstances) : RoomChange
{
    internal override bool IsAsked => false;

    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.Release(state, this, context);
}
