using System.Text.Json.Serialization;

namespace CallServer.Domain.Rooms;

/// <summary>One entry of a call's history, numbered <paramref name="Seq"/> from 1 without gaps inside its call.</summary>
/// <param name="Type">See <see cref="RoomEventTypes"/>.</param>
/// <param name="Data">Small details of the event (display name, leave reason, media flags).</param>
/// <param name="Identity">The identity of the participant the event is about (open mode: its participant id).</param>
/// <param name="DisplayName">The display name of the participant the event is about.</param>
internal sealed record RoomEvent(
    string CallId,
    string RoomId,
    long Seq,
    string Type,
    string? ParticipantId,
    DateTimeOffset At,
    IReadOnlyDictionary<string, string>? Data,
    string? Identity = null,
    string? DisplayName = null)
{
    /// <summary>What happened, as its type: what every consumer decides on.</summary>
    [JsonIgnore]
    public RoomFact Fact => RoomFact.Parse(Type, Data);
}
