using System.Text.Json.Serialization;
using CallServer.Domain.Rooms;

namespace CallServer.Hubs;

/// <summary>Source-generated JSON for what the hub sends.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RoomStatus))]
[JsonSerializable(typeof(InvitationView))]
[JsonSerializable(typeof(SignalMessage))]
[JsonSerializable(typeof(EndedMessage))]
[JsonSerializable(typeof(RemovedMessage))]
[JsonSerializable(typeof(DataMessage))]
[JsonSerializable(typeof(Dictionary<string, bool>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(CandidateMessage))]
[JsonSerializable(typeof(ClosingMessage))]
[JsonSerializable(typeof(MutedMessage))]
[JsonSerializable(typeof(CallServer.Fanout.RawJson))]
[JsonSerializable(typeof(CallServer.Api.JoinResponse))]
internal sealed partial class HubJson : JsonSerializerContext;
