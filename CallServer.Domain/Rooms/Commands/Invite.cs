namespace CallServer.Domain.Rooms.Commands;

/// <summary>A participant calls identities into the room; each gets a ringing invitation for <paramref name="RingSeconds"/>.</summary>
internal sealed record Invite(string ByParticipantId, IReadOnlyList<string> To, int RingSeconds, string? Metadata) : RoomChange
{
    internal override bool ReadsBackup => false;

    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.Invite(state, this, context);
}
