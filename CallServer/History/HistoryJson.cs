using System.Text.Json.Serialization;

namespace CallServer.History;

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(DeadLetter))]
[JsonSerializable(typeof(CallServer.Domain.History.RecentCall))]
[JsonSerializable(typeof(System.Collections.Immutable.ImmutableList<CallServer.Domain.History.RecentPeer>))]
internal sealed partial class HistoryJson : JsonSerializerContext;
