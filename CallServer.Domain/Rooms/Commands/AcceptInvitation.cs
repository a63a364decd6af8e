namespace CallServer.Domain.Rooms.Commands;

/// <summary>The invitee answers: <paramref name="Join"/> (its identity, default grants) joins it, and the invitation ends accepted.</summary>
internal sealed record AcceptInvitation(string InvitationId, JoinRoom Join) : RoomChange
{
    internal override bool StartsRoom => true;

    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.Accept(state, this, context);
}
