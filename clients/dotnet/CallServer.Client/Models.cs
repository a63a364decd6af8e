using System.Text.Json;
using System.Text.Json.Serialization;

namespace CallServer.Client;

/// <summary>A room's state as the server last told it (docs/API.md §3).</summary>
public sealed record RoomStatus(
    string RoomId,
    string? CallId,
    long Version,
    string State,
    IReadOnlyList<Participant> Participants,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Metadata = null);

/// <summary>One participant of a room.</summary>
public sealed record Participant(
    string ParticipantId,
    string DisplayName,
    string Presence,
    bool Audio,
    bool Video,
    DateTimeOffset JoinedAt,
    string? Identity = null,
    string? Metadata = null,
    ParticipantGrants? Grants = null);

/// <summary>What a participant may do.</summary>
public sealed record ParticipantGrants(bool Publish, bool Subscribe, bool Admin);

/// <summary>An ICE server for the app's peer connections.</summary>
public sealed record IceServer(IReadOnlyList<string> Urls, string? Username = null, string? Credential = null);

/// <summary>The server's answer to a join (docs/API.md §4, §5.1).</summary>
public sealed record JoinAnswer(
    string ParticipantId, string Token, RoomStatus Room, string MediaMode, IReadOnlyList<IceServer> IceServers, DateTimeOffset? TokenExpiresAt = null);

/// <summary>Why this participant is out of the call (<c>left</c>, <c>kicked</c>, <c>replaced</c>, <c>timeout</c>).</summary>
public sealed record RemovedEvent(string RoomId, string? CallId, string ParticipantId, string Reason);

/// <summary>The call is over for everyone (<c>empty</c>, <c>ended</c>, <c>failed</c>).</summary>
public sealed record EndedEvent(string RoomId, string? CallId, string Reason);

/// <summary>A WebRTC signal (<c>offer</c>, <c>answer</c>, <c>candidate</c>, or an app's word) from another participant, or from
/// <c>server</c> / <c>media-server</c> (docs/API.md §5).</summary>
public sealed record SignalEvent(string From, string Type, string Payload);

/// <summary>A message another participant sent with <c>SendData</c>.</summary>
public sealed record DataEvent(string From, string Type, string Payload);

/// <summary>A moderator (<see cref="By"/>, null for the app's backend) turned this participant's media off.</summary>
public sealed record MutedEvent(string RoomId, string ParticipantId, string? By, bool MuteAudio, bool MuteVideo);

/// <summary>A participant left the roster (the status does not say why; this participant's own reason comes as <see cref="RemovedEvent"/>).</summary>
public sealed record ParticipantLeftEvent(Participant Participant);

/// <summary>The server is closing the connection: reconnect when <see cref="Reconnect"/> (<c>draining</c>: at once).</summary>
internal sealed record ClosingEvent(string Reason, bool Reconnect);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RoomStatus))]
[JsonSerializable(typeof(JoinAnswer))]
[JsonSerializable(typeof(RemovedEvent))]
[JsonSerializable(typeof(EndedEvent))]
[JsonSerializable(typeof(DataEvent))]
[JsonSerializable(typeof(SignalEvent))]
[JsonSerializable(typeof(MutedEvent))]
[JsonSerializable(typeof(ClosingEvent))]
[JsonSerializable(typeof(ProblemBody))]
internal sealed partial class ClientJson : JsonSerializerContext;

/// <summary>The parts of an RFC 9457 ProblemDetails the client decides on (docs/API.md §8).</summary>
internal sealed record ProblemBody(string? Code, bool? Retry, string? Detail, string? Title);
