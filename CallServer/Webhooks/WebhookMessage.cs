using System.Text.Json.Nodes;
using CallServer.Domain.Rooms;
using CallServer.Events;

namespace CallServer.Webhooks;

/// <summary>
/// One webhook as it waits in its room's lane: its stable id (the same on every attempt, for receivers to deduplicate), its
/// type, its room, and the exact body that is signed and sent.
/// </summary>
/// <param name="At">When the event happened (for the delivery lag, and the retry window's bound).</param>
/// <param name="Redelivered">Put back from the dead letters by an admin: it gets a whole retry window again, whatever its age.</param>
internal sealed record WebhookMessage(string Id, string Type, string RoomId, string Body, DateTimeOffset At = default, bool Redelivered = false)
{
    /// <summary>The webhook of type <paramref name="type"/> that <paramref name="e"/> (read as <paramref name="fact"/>) becomes
    /// for an endpoint, as its <paramref name="endpointSeq"/>-th webhook of the call.</summary>
    public static WebhookMessage From(RoomEvent e, RoomFact fact, string type, long endpointSeq) => new(
        type == WebhookEventTypes.RoomFailed ? $"evt_{e.CallId}_{e.Seq}_failed" : $"evt_{e.CallId}_{e.Seq}",
        type,
        e.RoomId,
        Payload(e, fact, type, endpointSeq).ToJsonString(),
        e.At);

    /// <summary><c>{ "type", "timestamp", "data" }</c>: data carries the event's room, call, sequence numbers (the room's, and
    /// this endpoint's) and participant.</summary>
    private static JsonObject Payload(RoomEvent e, RoomFact fact, string type, long endpointSeq)
    {
        var data = new JsonObject
        {
            ["roomId"] = e.RoomId,
            ["callId"] = e.CallId,
            ["seq"] = e.Seq,
            ["endpointSeq"] = endpointSeq,
            ["at"] = e.At,
            ["identity"] = e.Identity,
            ["participantId"] = e.ParticipantId,
            ["displayName"] = e.DisplayName,
        };
        // the details of each kind, with their JSON types: the same as the history's (docs/API.md §7)
        foreach (var (key, value) in EventNames.Details(fact))
        {
            data[key] = value?.DeepClone();
        }

        return new JsonObject { ["type"] = type, ["timestamp"] = e.At, ["data"] = data };
    }
}
