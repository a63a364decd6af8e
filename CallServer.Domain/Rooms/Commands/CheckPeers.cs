namespace CallServer.Domain.Rooms.Commands;

/// <summary>Checks that both participants are in the room, before a signal is relayed between them; an <paramref name="Offer"/> needs the publish grant.</summary>
internal sealed record CheckPeers(string From, string To, bool Offer = false) : RoomChange
{
    internal override bool ReadsBackup => true;

    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.CheckPeers(state, this);
}
