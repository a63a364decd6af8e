namespace CallServer.Domain.Rooms;

/// <summary>A participant joined the call, with its microphone and camera as it joined (on unless it asked otherwise or may not publish).</summary>
internal sealed record ParticipantJoined(string DisplayName, bool Audio = true, bool Video = true) : RoomFact
{
    public override string Type => RoomEventTypes.ParticipantJoined;

    /// <summary>The media flags are stored only when one is off: events of before, and of a join with both on, read the same.</summary>
    public override IReadOnlyDictionary<string, string>? Data => Audio && Video
        ? new Dictionary<string, string> { ["displayName"] = DisplayName }
        : new Dictionary<string, string> { ["displayName"] = DisplayName, ["audio"] = Audio ? "true" : "false", ["video"] = Video ? "true" : "false" };
}
