namespace CallServer.Domain.Rooms.Commands;

/// <summary>A moderator removes a participant (reason <c>kicked</c>); its identity may not rejoin this call for <c>Rooms:KickBanSeconds</c>.</summary>
internal sealed record RemoveParticipant(string? By, string ParticipantId) : RoomChange
{
    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.Kick(state, this, context);
}
