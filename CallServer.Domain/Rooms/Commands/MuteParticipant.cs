namespace CallServer.Domain.Rooms.Commands;

/// <summary>
/// A moderator turns a participant's media off (never on): <paramref name="Audio"/> / <paramref name="Video"/> false turns that
/// one off. <paramref name="By"/> is the admin participant who asks, null for the admin key.
/// </summary>
internal sealed record MuteParticipant(string? By, string ParticipantId, bool Audio, bool Video) : RoomChange
{
    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.Mute(state, this, context);
}
