using System.Buffers;
using System.Text.Json;
using MessagePack;

namespace CallServer.Hubs;

/// <summary>
/// Writes a JSON value as the same value in MessagePack: objects as maps with the same keys, arrays as arrays, whole numbers
/// as integers, other numbers as doubles, strings (dates included) as strings. A MessagePack client so reads exactly the
/// fields a JSON client reads (docs/API.md §5). Two forward passes over the bytes, no document built: the first counts each
/// object's and array's entries (MessagePack writes them before the entries), the second writes.
/// </summary>
internal static class JsonToMessagePack
{
    public static void Write(ref MessagePackWriter writer, ReadOnlySpan<byte> utf8Json)
    {
        var counts = ArrayPool<int>.Shared.Rent(64);
        try
        {
            var containers = CountEntries(utf8Json, ref counts);
            WriteTokens(ref writer, utf8Json, counts.AsSpan(0, containers));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(counts);
        }
    }

    /// <summary>Each container's number of entries, in the order the containers open; returns how many there are.</summary>
    private static int CountEntries(ReadOnlySpan<byte> utf8Json, ref int[] counts)
    {
        var open = new Stack<int>();
        var containers = 0;
        var reader = new Utf8JsonReader(utf8Json);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                case JsonTokenType.Comment:
                    continue;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    open.Pop();
                    continue;
            }

            // a value: one more entry of the container it is in
            if (open.Count > 0)
            {
                counts[open.Peek()]++;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                if (containers == counts.Length)
                {
                    var larger = ArrayPool<int>.Shared.Rent(counts.Length * 2);
                    counts.AsSpan().CopyTo(larger);
                    ArrayPool<int>.Shared.Return(counts);
                    counts = larger;
                }

                counts[containers] = 0;
                open.Push(containers++);
            }
        }

        return containers;
    }

    private static void WriteTokens(ref MessagePackWriter writer, ReadOnlySpan<byte> utf8Json, ReadOnlySpan<int> counts)
    {
        var next = 0;
        var reader = new Utf8JsonReader(utf8Json);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    writer.WriteMapHeader(counts[next++]);
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteArrayHeader(counts[next++]);
                    break;
                case JsonTokenType.PropertyName:
                case JsonTokenType.String:
                    if (reader.ValueIsEscaped || reader.HasValueSequence)
                    {
                        writer.Write(reader.GetString());
                    }
                    else
                    {
                        writer.WriteString(reader.ValueSpan);
                    }

                    break;
                case JsonTokenType.Number when reader.TryGetInt64(out var whole):
                    writer.Write(whole);
                    break;
                case JsonTokenType.Number:
                    writer.Write(reader.GetDouble());
                    break;
                case JsonTokenType.True:
                    writer.Write(true);
                    break;
                case JsonTokenType.False:
                    writer.Write(false);
                    break;
                case JsonTokenType.Null:
                    writer.WriteNil();
                    break;
            }
        }
    }
}
