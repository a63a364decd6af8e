namespace CallServer.Domain.Rooms;

/// <summary>Collects the history events of one command, numbering them after the call's last event.</summary>
internal sealed class RoomEventLog(RoomState before, DateTimeOffset now)
{
    private readonly List<RoomEvent> _events = [];

    public IReadOnlyList<RoomEvent> Events => _events;

    /// <summary>Appends an event to the call of <paramref name="state"/> and returns the state with its new sequence number.</summary>
    public RoomState Add(RoomState state, RoomFact fact, string? participantId)
    {
        var seq = state.EventSeq + 1;
        // the participant may be gone already (a removal is logged after it): then it is found in the state before the command
        var participant = participantId is null ? null : state.Find(participantId) ?? before.Find(participantId);
        var identity = participantId is null ? null : participant?.Identity ?? participantId;
        _events.Add(new RoomEvent(state.CallId!, before.RoomId, seq, fact.Type, participantId, now, fact.Data, identity, participant?.DisplayName));
        return state with { EventSeq = seq };
    }
}
