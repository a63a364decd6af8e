namespace CallServer.Domain.Rooms.Commands;

/// <summary>The invitee <paramref name="Identity"/> declines: <paramref name="State"/> is <c>declined</c> or <c>busy</c>.</summary>
internal sealed record DeclineInvitation(string InvitationId, string Identity, string State) : RoomChange
{
    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.Decline(state, this, context);
}
