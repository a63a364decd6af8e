using System.Data.Common;
using System.Text.Json;
using CallServer.Rooms;
using Dapper;

namespace CallServer.History;

/// <summary>
/// The call history in PostgreSQL or SQLite, through Dapper. Writes are idempotent: an event is keyed by (call_id, seq) and
/// only an event that was not there yet changes its call and participants, so a replayed batch changes nothing.
/// </summary>
internal sealed class HistoryStore(HistoryDialect dialect)
{
    static HistoryStore() => DateTimeOffsetHandler.Register();

    public string Name => dialect.Name;

    public bool IsUnavailable(Exception exception) => dialect.IsUnavailable(exception);

    /// <summary>Stores a batch of events in one transaction; events already stored are skipped.</summary>
    public async Task<int> WriteAsync(IReadOnlyList<RoomEvent> events, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var stored = 0;
        var calls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (await WriteAsync(connection, transaction, e, calls.Add(e.CallId), cancellationToken))
            {
                stored++;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    /// <param name="firstOfCall">The batch's first event of its call: makes sure the call row exists (call_started makes it; the
    /// check keeps a batch from sticking on the foreign key if that event were ever missing).</param>
    private async Task<bool> WriteAsync(DbConnection connection, DbTransaction transaction, RoomEvent e, bool firstOfCall, CancellationToken cancellationToken)
    {
        var args = new
        {
            e.CallId,
            e.RoomId,
            e.Seq,
            e.Type,
            e.ParticipantId,
            e.At,
            Data = e.Data is null ? null : JsonSerializer.Serialize(new Dictionary<string, string>(e.Data), HistoryJson.Default.DictionaryStringString),
            DisplayName = e.Data?.GetValueOrDefault("displayName") ?? "",
            Reason = e.Data?.GetValueOrDefault("reason"),
        };

        Task<int> Run(string sql) => connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken));

        if (firstOfCall)
        {
            await Run($"""
                INSERT INTO calls (call_id, room_id, started_at) VALUES ({dialect.Uuid("@CallId")}, @RoomId, @At)
                ON CONFLICT (call_id) DO NOTHING
                """);
        }

        var inserted = await Run($"""
            INSERT INTO call_events (call_id, seq, type, participant_id, at, data)
            VALUES ({dialect.Uuid("@CallId")}, @Seq, @Type, @ParticipantId, @At, {dialect.Json("@Data")})
            ON CONFLICT (call_id, seq) DO NOTHING
            """);
        if (inserted == 0)
        {
            return false;
        }

        switch (e.Type)
        {
            case RoomEventTypes.ParticipantJoined:
                await Run($"""
                    INSERT INTO call_participants (call_id, participant_id, display_name, joined_at)
                    VALUES ({dialect.Uuid("@CallId")}, @ParticipantId, @DisplayName, @At)
                    ON CONFLICT (call_id, participant_id) DO NOTHING
                    """);
                break;
            case RoomEventTypes.ParticipantLeft:
                await Run($"""
                    UPDATE call_participants SET left_at = @At, leave_reason = @Reason
                    WHERE call_id = {dialect.Uuid("@CallId")} AND participant_id = @ParticipantId
                    """);
                break;
            case RoomEventTypes.CallEnded:
                await Run($"""
                    UPDATE calls SET ended_at = @At, end_reason = @Reason WHERE call_id = {dialect.Uuid("@CallId")}
                    """);
                break;
        }

        return true;
    }

    /// <summary>A room's calls, newest first; <paramref name="beforeCallId"/> continues after that call (the last of the previous page).</summary>
    public async Task<IReadOnlyList<CallRecord>> CallsOfRoomAsync(string roomId, int limit, string? beforeCallId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var after = beforeCallId is null
            ? ""
            : $"AND (started_at, {dialect.AsText("call_id")}) < (SELECT started_at, {dialect.AsText("call_id")} FROM calls WHERE call_id = {dialect.Uuid("@beforeCallId")})";
        var calls = (await connection.QueryAsync<HistoryRows.Call>(new CommandDefinition($"""
            SELECT {dialect.AsText("call_id")} AS CallId, room_id AS RoomId, started_at AS StartedAt, ended_at AS EndedAt, end_reason AS EndReason
            FROM calls WHERE room_id = @roomId {after}
            ORDER BY started_at DESC, {dialect.AsText("call_id")} DESC
            LIMIT @limit
            """, new { roomId, limit, beforeCallId }, cancellationToken: cancellationToken))).ToList();
        var participants = await ParticipantsAsync(connection, [.. calls.Select(c => c.CallId)], cancellationToken);
        return [.. calls.Select(c => new CallRecord(c.CallId, c.RoomId, c.StartedAt, c.EndedAt, c.EndReason, participants[c.CallId].ToList()))];
    }

    /// <summary>One call with its participants and events, or null when there is no such call.</summary>
    public async Task<CallDetails?> CallAsync(string callId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var call = await connection.QuerySingleOrDefaultAsync<HistoryRows.Call>(new CommandDefinition($"""
            SELECT {dialect.AsText("call_id")} AS CallId, room_id AS RoomId, started_at AS StartedAt, ended_at AS EndedAt, end_reason AS EndReason
            FROM calls WHERE call_id = {dialect.Uuid("@callId")}
            """, new { callId }, cancellationToken: cancellationToken));
        if (call is null)
        {
            return null;
        }

        var participants = await ParticipantsAsync(connection, [callId], cancellationToken);
        var events = await connection.QueryAsync<HistoryRows.Event>(new CommandDefinition($"""
            SELECT seq AS Seq, type AS Type, participant_id AS ParticipantId, at AS At, {dialect.AsText("data")} AS Data
            FROM call_events WHERE call_id = {dialect.Uuid("@callId")} ORDER BY seq
            """, new { callId }, cancellationToken: cancellationToken));
        return new CallDetails(call.CallId, call.RoomId, call.StartedAt, call.EndedAt, call.EndReason, [.. participants[callId]],
            [.. events.Select(e => new CallEventRecord(e.Seq, e.Type, e.ParticipantId, e.At,
                e.Data is null ? null : JsonSerializer.Deserialize(e.Data, HistoryJson.Default.DictionaryStringString)))]);
    }

    private async Task<ILookup<string, CallParticipantRecord>> ParticipantsAsync(DbConnection connection, List<string> callIds, CancellationToken cancellationToken)
    {
        if (callIds.Count == 0)
        {
            return Array.Empty<CallParticipantRecord>().ToLookup(_ => "");
        }

        var rows = await connection.QueryAsync<HistoryRows.Participant>(new CommandDefinition($"""
            SELECT {dialect.AsText("call_id")} AS CallId, participant_id AS ParticipantId, display_name AS DisplayName,
                   joined_at AS JoinedAt, left_at AS LeftAt, leave_reason AS LeaveReason
            FROM call_participants WHERE {dialect.InList(dialect.AsText("call_id"), "@callIds")}
            ORDER BY joined_at, participant_id
            """, new { callIds = callIds.ToArray() }, cancellationToken: cancellationToken));
        return rows.ToLookup(r => r.CallId, r => new CallParticipantRecord(r.ParticipantId, r.DisplayName, r.JoinedAt, r.LeftAt, r.LeaveReason));
    }
}
