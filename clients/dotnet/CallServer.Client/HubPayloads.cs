using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Client;

/// <summary>
/// The hub's messages as this client's records, whatever the protocol: JSON arrives as a <see cref="JsonElement"/>;
/// MessagePack as a map with the same camelCase names (docs/API.md §5), written to JSON and read the same way.
/// </summary>
internal sealed class HubPayloads(HubProtocol protocol)
{
    public void On<T>(HubConnection connection, string method, JsonTypeInfo<T> type, Action<T> handler)
    {
        if (protocol == HubProtocol.Json)
        {
            connection.On<JsonElement>(method, element => handler(element.Deserialize(type)!));
        }
        else
        {
            connection.On<Dictionary<string, object?>>(method, map => handler(FromMap(map, type)));
        }
    }

    public async Task<T> InvokeAsync<T>(HubConnection connection, string method, object?[] args, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        protocol == HubProtocol.Json
            ? (await connection.InvokeCoreAsync<JsonElement>(method, args, cancellationToken)).Deserialize(type)!
            : FromMap(await connection.InvokeCoreAsync<Dictionary<string, object?>>(method, args, cancellationToken), type);

    private static T FromMap<T>(Dictionary<string, object?> map, JsonTypeInfo<T> type)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, map);
        }

        return JsonSerializer.Deserialize(buffer.WrittenSpan, type)!;
    }

    /// <summary>A MessagePack value as the MessagePack reader gives it: maps, arrays, strings, integers, floats, booleans, nil.</summary>
    private static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case IDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    Write(writer, item);
                }

                writer.WriteEndObject();
                break;
            case System.Collections.IDictionary map:
                writer.WriteStartObject();
                foreach (System.Collections.DictionaryEntry entry in map)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture)!);
                    Write(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case System.Collections.IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case float or double or decimal:
                writer.WriteNumberValue(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case ulong big:
                writer.WriteNumberValue(big);
                break;
            default:
                writer.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }
}
