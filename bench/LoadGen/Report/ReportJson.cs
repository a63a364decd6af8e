using System.Text.Json.Serialization;

namespace LoadGen.Report;

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BenchResult))]
internal sealed partial class ReportJson : JsonSerializerContext;
