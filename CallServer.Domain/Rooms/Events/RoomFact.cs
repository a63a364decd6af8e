using System.Globalization;

namespace CallServer.Domain.Rooms;

/// <summary>
/// What happened in a room, one sealed record per kind: what the rules record (<see cref="RoomEventLog.Add"/>) and what every
/// consumer decides on, per type, in one place each (history's projection, the webhooks, the clients' notices). It is stored
/// as today's <see cref="RoomEvent"/> (<see cref="Type"/> and <see cref="Data"/>, strings), and read back by <see cref="Parse"/>;
/// a type this version does not know reads as <see cref="UnknownFact"/>, which every consumer handles too. A new kind is one
/// record here, one line in <see cref="Parse"/>, and the consumers the test <c>EveryConsumerDecidesEveryFact</c> points to.
/// </summary>
internal abstract record RoomFact
{
    /// <summary>The stored type name (<see cref="RoomEventTypes"/>).</summary>
    public abstract string Type { get; }

    /// <summary>Its details as stored: strings, keyed as docs/API.md gives them.</summary>
    public virtual IReadOnlyDictionary<string, string>? Data => null;

    public static RoomFact Parse(string type, IReadOnlyDictionary<string, string>? data)
    {
        string Get(string key) => data?.GetValueOrDefault(key) ?? "";
        return type switch
        {
            RoomEventTypes.CallStarted => new CallStarted(),
            RoomEventTypes.ParticipantJoined => new ParticipantJoined(Get("displayName"), Get("audio") != "false", Get("video") != "false"),
            RoomEventTypes.ParticipantConnected => new ParticipantConnected(),
            RoomEventTypes.ParticipantReconnecting => new ParticipantReconnecting(),
            RoomEventTypes.ParticipantLeft => new ParticipantLeft(Get("reason")),
            RoomEventTypes.MediaChanged => new MediaChanged(Get("audio") == "true", Get("video") == "true", data?.GetValueOrDefault("by")),
            RoomEventTypes.MetadataChanged => new MetadataChanged(),
            RoomEventTypes.CallEnded => new CallEnded(
                Get("reason"), long.TryParse(Get("durationSeconds"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 0),
            RoomEventTypes.InvitationRinging => new InvitationRinging(Get("invitationId"), Get("to"),
                DateTimeOffset.TryParse(Get("expiresAt"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : default,
                data?.GetValueOrDefault("metadata")),
            RoomEventTypes.InvitationEnded => new InvitationEnded(Get("invitationId"), Get("to"), Get("state"), data?.GetValueOrDefault("reason")),
            _ => new UnknownFact(type, data),
        };
    }
}
