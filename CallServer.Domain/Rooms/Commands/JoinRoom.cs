namespace CallServer.Domain.Rooms.Commands;

/// <summary>
/// Adds a participant, starting a new call when the room is not live; a repeated <c>JoinKey</c> returns the participant it
/// added. <paramref name="Who"/> is who the app's backend says joins (null on an open server). <paramref name="Audio"/> and
/// <paramref name="Video"/>: the microphone and camera it joins with (never on without the publish grant).
/// <paramref name="ParticipantId"/>: the new participant's id when the server chose it before asking (a join over the hub
/// reserves its connection under it first); otherwise the rules draw it.
/// </summary>
internal sealed record JoinRoom(
    string DisplayName, string? JoinKey, JoinIdentity? Who = null, bool Audio = true, bool Video = true, string? ParticipantId = null) : RoomChange
{
    internal override bool StartsRoom => true;

    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.Join(state, this, context);
}
