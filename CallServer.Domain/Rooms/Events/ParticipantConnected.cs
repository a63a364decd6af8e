namespace CallServer.Domain.Rooms;

/// <summary>A participant's hub connection is up (first connect or reconnect).</summary>
internal sealed record ParticipantConnected : RoomFact
{
    public override string Type => RoomEventTypes.ParticipantConnected;
}
