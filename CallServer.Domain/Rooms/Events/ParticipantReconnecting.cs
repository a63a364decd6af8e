namespace CallServer.Domain.Rooms;

/// <summary>A participant's connection dropped: it stays in the room for its reconnect grace.</summary>
internal sealed record ParticipantReconnecting : RoomFact
{
    public override string Type => RoomEventTypes.ParticipantReconnecting;
}
