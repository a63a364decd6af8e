using System.Text.Json.Serialization;
using CallServer.Domain.Backup;

namespace CallServer.Backup;

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SignalEnvelope))]
internal sealed partial class SignalJson : JsonSerializerContext;
