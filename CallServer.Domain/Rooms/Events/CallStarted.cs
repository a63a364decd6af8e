namespace CallServer.Domain.Rooms;

/// <summary>A call began in the room (its first participant joined).</summary>
internal sealed record CallStarted : RoomFact
{
    public override string Type => RoomEventTypes.CallStarted;
}
