namespace CallServer.Domain.Rooms;

/// <summary>A participant is gone from the call, and why (<see cref="LeaveReasons"/>).</summary>
internal sealed record ParticipantLeft(string Reason) : RoomFact
{
    public override string Type => RoomEventTypes.ParticipantLeft;

    public override IReadOnlyDictionary<string, string>? Data => new Dictionary<string, string> { ["reason"] = Reason };
}
