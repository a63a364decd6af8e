using System.Text.Json;
using System.Text.Json.Serialization;

namespace CallServer.Fanout;

/// <summary>A JSON value already serialized and checked (by the room that published it), written into a hub message as it is.</summary>
[JsonConverter(typeof(RawJsonConverter))]
internal sealed record RawJson(ReadOnlyMemory<byte> Utf8);

/// <summary>Writes a <see cref="RawJson"/> without parsing it again; reading one is not supported.</summary>
internal sealed class RawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("RawJson is only written.");

    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Utf8.Span, skipInputValidation: true);
}
