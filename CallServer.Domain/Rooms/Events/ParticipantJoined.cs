namespace CallServer.Domain.Rooms;

/// <summary>A participant joined the call.</summary>
internal sealed record ParticipantJoined(string DisplayName) : RoomFact
{
    public override string Type => RoomEventTypes.ParticipantJoined;

    public override IReadOnlyDictionary<string, string>? Data => new Dictionary<string, string> { ["displayName"] = DisplayName };
}
