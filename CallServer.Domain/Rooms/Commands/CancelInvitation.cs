namespace CallServer.Domain.Rooms.Commands;

/// <summary>Stops a ring: by its caller or a participant with the admin grant (<paramref name="ByParticipantId"/>), or by the admin key (null).</summary>
internal sealed record CancelInvitation(string InvitationId, string? ByParticipantId) : RoomChange
{
    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.Cancel(state, this, context);
}
