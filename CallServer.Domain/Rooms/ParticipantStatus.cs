namespace CallServer.Domain.Rooms;

/// <summary>One participant inside a <see cref="RoomStatus"/>.</summary>
internal sealed record ParticipantStatus(
    string ParticipantId,
    string DisplayName,
    string Presence,
    bool Audio,
    bool Video,
    DateTimeOffset JoinedAt,
    string Identity,
    string? Metadata,
    ParticipantGrants Grants)
{
    public static ParticipantStatus From(Participant p) => new(
        p.ParticipantId,
        p.DisplayName,
        p.Presence switch
        {
            Rooms.Presence.Joining => "joining",
            Rooms.Presence.Connected => "connected",
            _ => "reconnecting",
        },
        p.Audio,
        p.Video,
        p.JoinedAt,
        p.Identity ?? p.ParticipantId,
        p.Metadata,
        p.Rights);
}
