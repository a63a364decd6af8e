namespace CallServer.Rooms.Commands;

/// <summary>Checks that both participants are in the room, before a signal is relayed between them.</summary>
internal sealed record CheckPeers(string From, string To) : RoomChange
{
    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.CheckPeers(state, this);
}
