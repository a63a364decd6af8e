using System.Text.Json;

namespace CallServer.Fanout;

/// <summary>
/// A room update as read off the status channel (a <c>RoomUpdate</c> JSON) in one forward pass, without building a document:
/// what the relay needs to route and close connections, and the status JSON itself to forward as it is.
/// </summary>
internal sealed record PublishedStatus(
    string RoomId, string? CallId, long Version, HashSet<string> ParticipantIds, string? EndReason, ReadOnlyMemory<byte> StatusJson,
    IReadOnlyList<(string ParticipantId, string Reason)>? Removed = null, DateTimeOffset? UpdatedAt = null) : RelayItem(RoomId)
{
    /// <exception cref="JsonException">The message is not a room update.</exception>
    public static PublishedStatus Read(ReadOnlyMemory<byte> message)
    {
        var reader = new Utf8JsonReader(message.Span);
        Expect(ref reader, JsonTokenType.StartObject);
        string? roomId = null, callId = null, endReason = null;
        long? version = null;
        DateTimeOffset? updatedAt = null;
        var participants = new HashSet<string>(StringComparer.Ordinal);
        List<(string, string)>? removed = null;
        ReadOnlyMemory<byte> status = default;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("status"u8))
            {
                Expect(ref reader, JsonTokenType.StartObject);
                var start = (int)reader.TokenStartIndex;
                while (Next(ref reader) == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("roomId"u8))
                    {
                        Next(ref reader);
                        roomId = reader.GetString();
                    }
                    else if (reader.ValueTextEquals("callId"u8))
                    {
                        Next(ref reader);
                        callId = reader.GetString();
                    }
                    else if (reader.ValueTextEquals("version"u8))
                    {
                        Next(ref reader);
                        version = reader.GetInt64();
                    }
                    else if (reader.ValueTextEquals("updatedAt"u8))
                    {
                        Next(ref reader);
                        updatedAt = reader.GetDateTimeOffset();
                    }
                    else if (reader.ValueTextEquals("participants"u8))
                    {
                        ReadParticipantIds(ref reader, participants);
                    }
                    else
                    {
                        Next(ref reader);
                        reader.Skip();
                    }
                }

                Require(ref reader, JsonTokenType.EndObject);
                status = message[start..(int)reader.BytesConsumed];
            }
            else if (reader.ValueTextEquals("endReason"u8))
            {
                Next(ref reader);
                endReason = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("removed"u8))
            {
                removed = ReadRemoved(ref reader);
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }

        Require(ref reader, JsonTokenType.EndObject);
        if (roomId is null || version is null || status.IsEmpty)
        {
            throw new JsonException("A room update needs a status with roomId and version.");
        }

        return new PublishedStatus(roomId, callId, version.Value, participants, endReason, status, removed, updatedAt);
    }

    /// <summary>The participants the change removed, with their reasons (null in the JSON: none).</summary>
    private static List<(string, string)>? ReadRemoved(ref Utf8JsonReader reader)
    {
        if (Next(ref reader) == JsonTokenType.Null)
        {
            return null;
        }

        Require(ref reader, JsonTokenType.StartArray);
        var removed = new List<(string, string)>();
        while (Next(ref reader) == JsonTokenType.StartObject)
        {
            string? id = null, reason = null;
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("participantId"u8) ? 1 : reader.ValueTextEquals("reason"u8) ? 2 : 0;
                Next(ref reader);
                if (field == 1)
                {
                    id = reader.GetString();
                }
                else if (field == 2)
                {
                    reason = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }

            Require(ref reader, JsonTokenType.EndObject);
            if (id is not null && reason is not null)
            {
                removed.Add((id, reason));
            }
        }

        Require(ref reader, JsonTokenType.EndArray);
        return removed;
    }

    private static void ReadParticipantIds(ref Utf8JsonReader reader, HashSet<string> ids)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        while (Next(ref reader) == JsonTokenType.StartObject)
        {
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("participantId"u8);
                Next(ref reader);
                if (isId && reader.GetString() is { } id)
                {
                    ids.Add(id);
                }
                else
                {
                    reader.Skip();
                }
            }

            Require(ref reader, JsonTokenType.EndObject);
        }

        // the status is forwarded as it is: anything but a list of participant objects is refused, not cut short
        Require(ref reader, JsonTokenType.EndArray);
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("The room update ends too early.");

    /// <summary>The token the reader is at must be a <paramref name="type"/>.</summary>
    private static void Require(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"Expected {type} in a room update, found {reader.TokenType}.");
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        Next(ref reader);
        Require(ref reader, type);
    }
}
