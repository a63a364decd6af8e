namespace CallServer.Domain.Rooms.Commands;

/// <summary>From the supervisor: the worker exceeded its restart intensity; the call ends as failed.</summary>
internal sealed record FailRoom() : RoomChange
{
    internal override RoomDecision Decide(RoomState state, RuleContext context) =>
        RoomRules.Remove(state, [.. state.Participants.Select(p => p.ParticipantId)], LeaveReasons.Failed, context);
}
