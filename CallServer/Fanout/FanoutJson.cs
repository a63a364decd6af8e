using System.Text.Json.Serialization;

namespace CallServer.Fanout;

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SignalEnvelope))]
internal sealed partial class FanoutJson : JsonSerializerContext;
