namespace CallServer.Domain.Rooms;

/// <summary>The room's or a participant's app metadata changed (the status carries the new value).</summary>
internal sealed record MetadataChanged : RoomFact
{
    public override string Type => RoomEventTypes.MetadataChanged;
}
