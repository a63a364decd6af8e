using System.Text.Json.Nodes;
using CallServer.Domain.Rooms;

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
    public static IEnumerable<WebhookMessage> From(RoomEvent e)
    {
        // read once: a failed room's end makes two webhooks of the one event
        var fact = e.Fact;
        return WebhookEventTypes.Of(fact).Select(type => new WebhookMessage(
            type == WebhookEventTypes.RoomFailed ? $"evt_{e.CallId}_{e.Seq}_failed" : $"evt_{e.CallId}_{e.Seq}",
            type,
            e.RoomId,
            Payload(e, fact, type).ToJsonString(),
            e.At));
    }

    /// <summary><c>{ "type", "timestamp", "data" }</c>: data carries the event's room, call, sequence number and participant.</summary>
    private static JsonObject Payload(RoomEvent e, RoomFact fact, string type)
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
        // the details of each kind, with their JSON types (docs/API.md §7)
        switch (fact)
        {
            case ParticipantJoined joined:
                data["displayName"] = joined.DisplayName;
                data["audio"] = joined.Audio;
                data["video"] = joined.Video;
                break;
            case ParticipantLeft left:
                data["reason"] = left.Reason;
                break;
            case MediaChanged media:
                data["audio"] = media.Audio;
                data["video"] = media.Video;
                if (media.By is not null)
                {
                    data["by"] = media.By;
                }

                break;
            case CallEnded ended:
                data["reason"] = ended.Reason;
                data["durationSeconds"] = ended.DurationSeconds;
                break;
            case CallStarted or ParticipantConnected or ParticipantReconnecting or MetadataChanged or UnknownFact:
                break;
            default:
                throw new UnhandledRoomFactException(fact, "the webhook payload");
        }

        return new JsonObject { ["type"] = type, ["timestamp"] = e.At, ["data"] = data };
    }
}
