namespace CallServer.Domain.Rooms.Commands;

/// <summary>
/// Removes a participant. Leaving twice is not an error, unless <paramref name="RequireMember"/>: then a participant no longer
/// in the room is refused (a REST leave with a departed participant's token), except for a retry of its own leave, which
/// carries the same <paramref name="LeaveKey"/> (its <c>Idempotency-Key</c>) and is answered again.
/// </summary>
internal sealed record LeaveRoom(string ParticipantId, bool RequireMember = false, string? LeaveKey = null) : RoomChange
{
    internal override RoomDecision Decide(RoomState state, RuleContext context)
    {
        if (RequireMember)
        {
            if (LeaveKey is not null && LeaveKeyLedger.Holds(state.LeaveKeys, ParticipantId, LeaveKey))
            {
                // the participant is gone: the retry hears that its leave stands, not who is in the room now
                return RoomDecision.Unchanged() with { Withheld = true };
            }

            RoomRules.CheckMember(state, new CheckMember(ParticipantId));
        }

        var decision = RoomRules.Remove(state, [ParticipantId], LeaveReasons.Left, context);
        return LeaveKey is not null && decision.Next is { } next
            ? decision with { Next = next with { LeaveKeys = LeaveKeyLedger.Add(next.LeaveKeys, ParticipantId, LeaveKey, next.EventSeq) } }
            : decision;
    }
}
