using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CallServer.Domain.Rooms;
using CallServer.Events;

namespace CallServer.History;

/// <summary>
/// One event of a call, as stored (<see cref="Type"/> and <see cref="Data"/>, strings), and in the vocabulary it shares with
/// the webhooks (<see cref="Event"/> and <see cref="Details"/>, typed: docs/API.md §7).
/// </summary>
internal sealed record CallEventRecord(
    long Seq,
    string Type,
    string? ParticipantId,
    DateTimeOffset At,
    IReadOnlyDictionary<string, string>? Data,
    string? Identity)
{
    /// <summary>The event's name, the same as its webhook's type (null for a kind this version does not know).</summary>
    public string? Event => EventNames.Of(Fact, ParticipantId);

    /// <summary>What the event says beyond who and when, with the JSON types its webhook's <c>data</c> has.</summary>
    public JsonObject Details => EventNames.Details(Fact);

    [JsonIgnore]
    private RoomFact Fact => RoomFact.Parse(Type, Data);
}
