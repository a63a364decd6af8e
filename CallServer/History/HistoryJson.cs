using System.Text.Json.Serialization;

namespace CallServer.History;

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(DeadLetter))]
internal sealed partial class HistoryJson : JsonSerializerContext;
