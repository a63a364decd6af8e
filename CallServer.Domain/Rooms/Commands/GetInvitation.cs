namespace CallServer.Domain.Rooms.Commands;

/// <summary>Reads an invitation for its invitee <paramref name="Identity"/> (the status carries it); another's is not found.</summary>
internal sealed record GetInvitation(string InvitationId, string Identity) : RoomChange
{
    internal override bool ReadsBackup => true;

    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.ReadInvitation(state, this);
}
