using System.Globalization;
using System.Text.Json.Nodes;
using CallServer.Rooms;

namespace CallServer.Webhooks;

/// <summary>
/// One webhook as it waits in its room's lane: its stable id (the same on every attempt, for receivers to deduplicate), its
/// type, its room, and the exact body that is signed and sent.
/// </summary>
/// <param name="At">When the event happened (for the delivery lag, and the retry window's bound).</param>
/// <param name="Redelivered">Put back from the dead letters by an admin: it gets a whole retry window again, whatever its age.</param>
internal sealed record WebhookMessage(string Id, string Type, string RoomId, string Body, DateTimeOffset At = default, bool Redelivered = false)
{
    /// <summary>The webhooks a room event becomes, in the order they are sent.</summary>
    public static IEnumerable<WebhookMessage> From(RoomEvent e) =>
        WebhookEventTypes.Of(e).Select(type => new WebhookMessage(
            type == WebhookEventTypes.RoomFailed ? $"evt_{e.CallId}_{e.Seq}_failed" : $"evt_{e.CallId}_{e.Seq}",
            type,
            e.RoomId,
            Payload(e, type).ToJsonString(),
            e.At));

    /// <summary><c>{ "type", "timestamp", "data" }</c>: data carries the event's room, call, sequence number and participant.</summary>
    private static JsonObject Payload(RoomEvent e, string type)
    {
        var data = new JsonObject
        {
            ["roomId"] = e.RoomId,
            ["callId"] = e.CallId,
            ["seq"] = e.Seq,
            ["at"] = e.At,
            ["identity"] = e.Identity,
            ["participantId"] = e.ParticipantId,
            ["displayName"] = e.DisplayName,
        };
        foreach (var (key, value) in e.Data ?? new Dictionary<string, string>())
        {
            data[key] = key switch
            {
                "audio" or "video" => value == "true",
                "durationSeconds" => long.Parse(value, CultureInfo.InvariantCulture),
                _ => value,
            };
        }

        return new JsonObject { ["type"] = type, ["timestamp"] = e.At, ["data"] = data };
    }
}
