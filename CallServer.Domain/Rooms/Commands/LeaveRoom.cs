namespace CallServer.Rooms.Commands;

/// <summary>
/// Removes a participant. Leaving twice is not an error, unless <paramref name="RequireMember"/>: then a participant no longer
/// in the room is refused (a REST leave with a departed participant's token).
/// </summary>
internal sealed record LeaveRoom(string ParticipantId, bool RequireMember = false) : RoomChange
{
    internal override RoomDecision Decide(RoomState state, RuleContext context)
    {
        if (RequireMember)
        {
            RoomRules.CheckMember(state, new CheckMember(ParticipantId));
        }

        return RoomRules.Remove(state, [ParticipantId], LeaveReasons.Left, context);
    }
}
