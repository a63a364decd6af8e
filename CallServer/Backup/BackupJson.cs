using System.Text.Json.Serialization;
using CallServer.Domain.Rooms;

namespace CallServer.Backup;

/// <summary>Source-generated JSON for what goes through Redis: snapshots, history events, status updates.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(RoomState))]
[JsonSerializable(typeof(RoomEvent))]
[JsonSerializable(typeof(RoomUpdate))]
[JsonSerializable(typeof(RoomStatus))]
internal sealed partial class BackupJson : JsonSerializerContext;
