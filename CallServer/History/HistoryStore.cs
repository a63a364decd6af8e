using System.Data.Common;
using System.Text.Json;
using CallServer.Domain.Rooms;
using Dapper;

namespace CallServer.History;

/// <summary>
/// The call history in PostgreSQL or SQLite, through Dapper. Writes are idempotent: an event is keyed by (call_id, seq) and
/// only an event that was not there yet changes its call and participants, so a replayed batch changes nothing.
/// </summary>
internal sealed class HistoryStore(HistoryDialect dialect, RecentCallRows recentCalls)
{
    static HistoryStore() => DateTimeOffsetHandler.Register();

    public string Name => dialect.Name;

    public bool IsUnavailable(Exception exception) => dialect.IsUnavailable(exception);

    /// <summary>
    /// Stores a batch of events in one transaction; events already stored are skipped. The calls and the events go in a few
    /// multi-row INSERTs; only the events that were new then update their call's participants and end, and its users' rows.
    /// </summary>
    public async Task<int> WriteAsync(IReadOnlyList<RoomEvent> events, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // the call row: call_started makes it; this also keeps a batch from sticking on the foreign key if that event were missing
        foreach (var calls in events.DistinctBy(e => e.CallId).Chunk(dialect.RowsPerStatement))
        {
            await InsertCallsAsync(connection, transaction, calls, cancellationToken);
        }

        var stored = new HashSet<(string CallId, long Seq)>();
        foreach (var chunk in events.Chunk(dialect.RowsPerStatement))
        {
            foreach (var row in await InsertEventsAsync(connection, transaction, chunk, cancellationToken))
            {
                stored.Add((CallKey(row.CallId), row.Seq));
            }
        }

        var newlyStored = events.Where(e => stored.Contains((CallKey(e.CallId), e.Seq))).ToList();
        foreach (var e in newlyStored)
        {
            await ApplyAsync(connection, transaction, e, cancellationToken);
        }

        await recentCalls.ProjectAsync(connection, transaction, newlyStored, cancellationToken);

        await transaction.CommitAsync(cancellationToken);
        return stored.Count;
    }

    /// <summary>
    /// A call id in the form both databases store and give it back (PostgreSQL prints a uuid its own way; a client may write
    /// one with braces or in upper case).
    /// </summary>
    internal static string CallKey(string callId) => Guid.TryParse(callId, out var id) ? id.ToString() : callId;

    private Task InsertCallsAsync(DbConnection connection, DbTransaction transaction, RoomEvent[] firstEvents, CancellationToken cancellationToken)
    {
        var args = new DynamicParameters();
        var rows = new List<string>(firstEvents.Length);
        for (var i = 0; i < firstEvents.Length; i++)
        {
            args.Add($"c{i}", firstEvents[i].CallId);
            args.Add($"r{i}", firstEvents[i].RoomId);
            args.Add($"a{i}", firstEvents[i].At);
            rows.Add($"({dialect.Uuid($"@c{i}")}, @r{i}, @a{i})");
        }

        return connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO calls (call_id, room_id, started_at) VALUES {string.Join(", ", rows)}
            ON CONFLICT (call_id) DO NOTHING
            """, args, transaction, cancellationToken: cancellationToken));
    }

    /// <returns>The keys of the events that were not stored yet.</returns>
    private Task<IEnumerable<HistoryRows.StoredEvent>> InsertEventsAsync(
        DbConnection connection, DbTransaction transaction, RoomEvent[] events, CancellationToken cancellationToken)
    {
        var args = new DynamicParameters();
        var rows = new List<string>(events.Length);
        for (var i = 0; i < events.Length; i++)
        {
            var e = events[i];
            args.Add($"c{i}", e.CallId);
            args.Add($"s{i}", e.Seq);
            args.Add($"t{i}", e.Type);
            args.Add($"p{i}", e.ParticipantId);
            args.Add($"a{i}", e.At);
            args.Add($"d{i}", e.Data is null ? null : JsonSerializer.Serialize(new Dictionary<string, string>(e.Data), HistoryJson.Default.DictionaryStringString));
            args.Add($"i{i}", e.Identity ?? e.ParticipantId);
            rows.Add($"({dialect.Uuid($"@c{i}")}, @s{i}, @t{i}, @p{i}, @a{i}, {dialect.Json($"@d{i}")}, @i{i})");
        }

        return connection.QueryAsync<HistoryRows.StoredEvent>(new CommandDefinition($"""
            INSERT INTO call_events (call_id, seq, type, participant_id, at, data, identity) VALUES {string.Join(", ", rows)}
            ON CONFLICT (call_id, seq) DO NOTHING
            RETURNING {dialect.AsText("call_id")} AS CallId, seq AS Seq
            """, args, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>What a newly stored event changes in its call's participants or end.</summary>
    private Task ApplyAsync(DbConnection connection, DbTransaction transaction, RoomEvent e, CancellationToken cancellationToken)
    {
        var args = new
        {
            e.CallId,
            e.ParticipantId,
            e.At,
            Identity = e.Identity ?? e.ParticipantId,
            DisplayName = e.Data?.GetValueOrDefault("displayName") ?? "",
            Reason = e.Data?.GetValueOrDefault("reason"),
        };

        Task<int> Run(string sql) => connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken));

        return ProjectionOf(e.Fact) switch
        {
            Projection.ParticipantJoined => Run($"""
                INSERT INTO call_participants (call_id, participant_id, display_name, joined_at, identity)
                VALUES ({dialect.Uuid("@CallId")}, @ParticipantId, @DisplayName, @At, @Identity)
                ON CONFLICT (call_id, participant_id) DO NOTHING
                """),
            Projection.ParticipantLeft => Run($"""
                UPDATE call_participants SET left_at = @At, leave_reason = @Reason
                WHERE call_id = {dialect.Uuid("@CallId")} AND participant_id = @ParticipantId
                """),
            Projection.CallEnded => Run($"""
                UPDATE calls SET ended_at = @At, end_reason = @Reason WHERE call_id = {dialect.Uuid("@CallId")}
                """),
            _ => Task.CompletedTask,
        };
    }

    /// <summary>
    /// What an event changes in its call's participants or end, decided per kind (the event itself is always stored, an unknown
    /// kind as it came).
    /// </summary>
    internal static Projection ProjectionOf(RoomFact fact) => fact switch
    {
        ParticipantJoined => Projection.ParticipantJoined,
        ParticipantLeft => Projection.ParticipantLeft,
        CallEnded => Projection.CallEnded,
        CallStarted or ParticipantConnected or ParticipantReconnecting or MediaChanged or MetadataChanged or InvitationRinging or InvitationEnded
            or UnknownFact => Projection.None,
        _ => throw new UnhandledRoomFactException(fact, "the history"),
    };

    /// <summary>The changes an event can make besides its own row.</summary>
    internal enum Projection
    {
        None,
        ParticipantJoined,
        ParticipantLeft,
        CallEnded,
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
            SELECT seq AS Seq, type AS Type, participant_id AS ParticipantId, at AS At, {dialect.AsText("data")} AS Data, identity AS Identity
            FROM call_events WHERE call_id = {dialect.Uuid("@callId")} ORDER BY seq
            """, new { callId }, cancellationToken: cancellationToken));
        return new CallDetails(call.CallId, call.RoomId, call.StartedAt, call.EndedAt, call.EndReason, [.. participants[callId]],
            [.. events.Select(e => new CallEventRecord(e.Seq, e.Type, e.ParticipantId, e.At,
                e.Data is null ? null : JsonSerializer.Deserialize(e.Data, HistoryJson.Default.DictionaryStringString), e.Identity ?? e.ParticipantId))]);
    }

    private async Task<ILookup<string, CallParticipantRecord>> ParticipantsAsync(DbConnection connection, List<string> callIds, CancellationToken cancellationToken)
    {
        if (callIds.Count == 0)
        {
            return Array.Empty<CallParticipantRecord>().ToLookup(_ => "");
        }

        var rows = await connection.QueryAsync<HistoryRows.Participant>(new CommandDefinition($"""
            SELECT {dialect.AsText("call_id")} AS CallId, participant_id AS ParticipantId, display_name AS DisplayName,
                   joined_at AS JoinedAt, left_at AS LeftAt, leave_reason AS LeaveReason, identity AS Identity
            FROM call_participants WHERE {dialect.UuidInList("call_id", "@callIds")}
            ORDER BY joined_at, participant_id
            """, new { callIds = callIds.ToArray() }, cancellationToken: cancellationToken));
        return rows.ToLookup(r => r.CallId, r => new CallParticipantRecord(r.ParticipantId, r.DisplayName, r.JoinedAt, r.LeftAt, r.LeaveReason, r.Identity ?? r.ParticipantId));
    }
}
