using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CallServer.Fanout;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using Microsoft.AspNetCore.SignalR;

namespace CallServer.Hubs;

/// <summary>
/// The MessagePack hub protocol (<c>messagepack</c>) beside JSON, for clients that want smaller frames. What the hub sends is
/// first what it would send as JSON (the same source-generated contract, camelCase names, ISO dates) and then transcoded, so the
/// two protocols carry the same fields; a status already serialized by its room (<see cref="RawJson"/>) is only transcoded.
/// SignalR serializes a group message once per protocol, not once per connection.
/// </summary>
internal static class HubMessagePack
{
    public static ISignalRServerBuilder AddHubMessagePack(this ISignalRServerBuilder signalR) =>
        signalR.AddMessagePackProtocol(o => o.SerializerOptions = o.SerializerOptions.WithResolver(
            CompositeResolver.Create(SentAsJsonResolver.Instance, o.SerializerOptions.Resolver)));

    /// <summary>Formatters for what the hub sends; arguments the clients send (strings, booleans, string arrays) stay standard.</summary>
    private sealed class SentAsJsonResolver : IFormatterResolver
    {
        public static readonly SentAsJsonResolver Instance = new();

        public IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

        private static class Cache<T>
        {
            public static readonly IMessagePackFormatter<T>? Formatter = Create();

            private static IMessagePackFormatter<T>? Create()
            {
                if (typeof(T) == typeof(RawJson))
                {
                    return (IMessagePackFormatter<T>)(object)new RawJsonFormatter();
                }

                // the records HubJson serializes (statuses, signals, notices); its strings, arrays and maps stay standard
                return HubJson.Default.GetTypeInfo(typeof(T)) is JsonTypeInfo<T> { Kind: JsonTypeInfoKind.Object } info
                    ? new SentAsJsonFormatter<T>(info)
                    : null;
            }
        }
    }

    private sealed class RawJsonFormatter : IMessagePackFormatter<RawJson>
    {
        public void Serialize(ref MessagePackWriter writer, RawJson value, MessagePackSerializerOptions options) =>
            JsonToMessagePack.Write(ref writer, value.Utf8.Span);

        public RawJson Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
            throw new NotSupportedException("The hub only sends this type.");
    }

    private sealed class SentAsJsonFormatter<T>(JsonTypeInfo<T> info) : IMessagePackFormatter<T>
    {
        public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options) =>
            JsonToMessagePack.Write(ref writer, JsonSerializer.SerializeToUtf8Bytes(value, info));

        public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
            throw new NotSupportedException("The hub only sends this type.");
    }
}
