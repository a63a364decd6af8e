namespace CallServer.Domain.Rooms.Commands;

/// <summary>Starts a call that rings: <paramref name="Join"/> makes the caller join the fresh room, then the invitations ring.</summary>
internal sealed record Dial(JoinRoom Join, IReadOnlyList<string> To, int RingSeconds, string? Metadata) : RoomChange
{
    internal override bool StartsRoom => true;

    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.Dial(state, this, context);
}
