namespace CallServer.Domain.Rooms;

/// <summary>A participant's microphone or camera changed; <paramref name="By"/> names the moderator who muted it, if one did.</summary>
internal sealed record MediaChanged(bool Audio, bool Video, string? By = null) : RoomFact
{
    public override string Type => RoomEventTypes.MediaChanged;

    public override IReadOnlyDictionary<string, string>? Data
    {
        get
        {
            var data = new Dictionary<string, string> { ["audio"] = Audio ? "true" : "false", ["video"] = Video ? "true" : "false" };
            if (By is not null)
            {
                data["by"] = By;
            }

            return data;
        }
    }
}
