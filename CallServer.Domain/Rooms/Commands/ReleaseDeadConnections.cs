namespace CallServer.Rooms.Commands;

/// <summary>Participants held by connections of instances that are gone start their reconnect grace.</summary>
internal sealed record ReleaseDeadConnections(IReadOnlySet<string> DeadInstances) : RoomChange
{
    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.Release(state, this, context);
}
