namespace CallServer.Domain.Rooms.Commands;

/// <summary>A participant turned its microphone or camera on or off.</summary>
internal sealed record SetMedia(string ParticipantId, bool Audio, bool Video) : RoomChange
{
    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.Media(state, this, context);
}
