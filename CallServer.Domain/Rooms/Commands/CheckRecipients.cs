namespace CallServer.Domain.Rooms.Commands;

/// <summary>Checks that the sender and every listed recipient of in-call data are participants of the room (no list: everyone else).</summary>
internal sealed record CheckRecipients(string From, IReadOnlyList<string>? To) : RoomChange
{
    internal override bool ReadsBackup => true;

    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.CheckRecipients(state, this);
}
