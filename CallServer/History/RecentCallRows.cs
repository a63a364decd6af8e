using System.Collections.Immutable;
using System.Data.Common;
using System.Text.Json;
using CallServer.Domain.History;
using CallServer.Domain.Rooms;
using Dapper;

namespace CallServer.History;

/// <summary>
/// Keeps <c>user_calls</c> with the events: inside the history writer's transaction, the events stored for the first time are
/// folded (<see cref="RecentCallsProjection"/>) into their calls' rows as they stand, and the rows they touched are written back.
/// A replayed event is not stored again, so it changes no row: the rows are exactly once like the events.
/// </summary>
internal sealed class RecentCallRows(HistoryDialect dialect)
{
    public async Task ProjectAsync(DbConnection connection, DbTransaction transaction, IEnumerable<RoomEvent> stored, CancellationToken cancellationToken)
    {
        // every call id the server makes is a UUID; one that is not (stored by hand) has no users' rows, and costs its events nothing
        var byCall = stored.Where(e => RecentCallsProjection.Concerns(e.Fact) && Guid.TryParse(e.CallId, out _)).GroupBy(e => e.CallId).ToList();
        if (byCall.Count == 0)
        {
            return;
        }

        var rows = await LoadAsync(connection, transaction, [.. byCall.Select(g => g.Key)], cancellationToken);
        var changed = new List<RecentCall>();
        foreach (var events in byCall)
        {
            var before = rows.GetValueOrDefault(Guid.Parse(events.Key)) ?? ImmutableDictionary<string, RecentCall>.Empty;
            var after = events.OrderBy(e => e.Seq).Aggregate(before, RecentCallsProjection.Apply);
            changed.AddRange(after.Values.Where(row => !ReferenceEquals(row, before.GetValueOrDefault(row.Identity))));
        }

        foreach (var chunk in changed.Chunk(dialect.RowsPerStatement))
        {
            await UpsertAsync(connection, transaction, chunk, cancellationToken);
        }
    }

    /// <summary>The migration that makes <c>user_calls</c>: after it, the calls already in the history get their rows.</summary>
    public const long BackfillAfterMigration = 3;

    /// <summary>
    /// Folds the events of every call already in the history into its users' rows (once, inside the migration's transaction:
    /// a history written before the recent calls existed gets them), a few hundred calls at a time.
    /// </summary>
    public async Task<int> BackfillAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var callIds = (await connection.QueryAsync<string>(new CommandDefinition(
            $"SELECT {dialect.AsText("call_id")} FROM calls", transaction: transaction, cancellationToken: cancellationToken))).ToList();
        string[] types = [RoomEventTypes.ParticipantJoined, RoomEventTypes.ParticipantLeft, RoomEventTypes.InvitationRinging, RoomEventTypes.InvitationEnded, RoomEventTypes.CallEnded];
        var rows = 0;
        foreach (var chunk in callIds.Chunk(200))
        {
            var events = await connection.QueryAsync<HistoryRows.StoredRoomEvent>(new CommandDefinition($"""
                SELECT {dialect.AsText("e.call_id")} AS CallId, c.room_id AS RoomId, e.seq AS Seq, e.type AS Type, e.participant_id AS ParticipantId,
                       e.at AS At, {dialect.AsText("e.data")} AS Data, e.identity AS Identity
                FROM call_events e JOIN calls c ON c.call_id = e.call_id
                WHERE {dialect.UuidInList("e.call_id", "@callIds")} AND {dialect.InList("e.type", "@types")}
                ORDER BY e.call_id, e.seq
                """, new { callIds = chunk, types }, transaction, cancellationToken: cancellationToken));
            var folded = events.Select(e => new RoomEvent(e.CallId, e.RoomId, e.Seq, e.Type, e.ParticipantId, e.At,
                    e.Data is null ? null : JsonSerializer.Deserialize(e.Data, HistoryJson.Default.DictionaryStringString), e.Identity))
                .GroupBy(e => e.CallId)
                .SelectMany(call => RecentCallsProjection.Fold(call).Values)
                .ToList();
            foreach (var batch in folded.Chunk(dialect.RowsPerStatement))
            {
                await UpsertAsync(connection, transaction, batch, cancellationToken);
            }

            rows += folded.Count;
        }

        return rows;
    }

    private async Task<Dictionary<Guid, ImmutableDictionary<string, RecentCall>>> LoadAsync(
        DbConnection connection, DbTransaction transaction, List<string> callIds, CancellationToken cancellationToken)
    {
        var rows = new List<RecentCall>();
        foreach (var chunk in callIds.Chunk(500))
        {
            var states = await connection.QueryAsync<string>(new CommandDefinition($"""
                SELECT {dialect.AsText("state")} FROM user_calls WHERE {dialect.UuidInList("call_id", "@callIds")}
                """, new { callIds = chunk.Select(id => Guid.Parse(id).ToString()).ToArray() }, transaction, cancellationToken: cancellationToken));
            rows.AddRange(states.Select(state => JsonSerializer.Deserialize(state, HistoryJson.Default.RecentCall)!));
        }

        return rows.GroupBy(r => Guid.Parse(r.CallId)).ToDictionary(g => g.Key, g => g.ToImmutableDictionary(r => r.Identity));
    }

    private Task UpsertAsync(DbConnection connection, DbTransaction transaction, RecentCall[] rows, CancellationToken cancellationToken)
    {
        var args = new DynamicParameters();
        var values = new List<string>(rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            args.Add($"c{i}", row.CallId);
            args.Add($"i{i}", row.Identity);
            args.Add($"r{i}", row.RoomId);
            args.Add($"d{i}", row.Direction);
            args.Add($"o{i}", row.Outcome);
            args.Add($"s{i}", row.StartedAt);
            args.Add($"a{i}", row.AnsweredAt);
            args.Add($"e{i}", row.EndedAt);
            args.Add($"n{i}", row.DurationSeconds);
            args.Add($"v{i}", row.InvitationId);
            args.Add($"p{i}", JsonSerializer.Serialize(row.Peers, HistoryJson.Default.ImmutableListRecentPeer));
            args.Add($"x{i}", JsonSerializer.Serialize(row, HistoryJson.Default.RecentCall));
            values.Add($"({dialect.Uuid($"@c{i}")}, @i{i}, @r{i}, @d{i}, @o{i}, @s{i}, @a{i}, @e{i}, @n{i}, @v{i}, {dialect.Json($"@p{i}")}, {dialect.Json($"@x{i}")})");
        }

        return connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO user_calls (call_id, identity, room_id, direction, outcome, started_at, answered_at, ended_at, duration_seconds, invitation_id, peers, state)
            VALUES {string.Join(", ", values)}
            ON CONFLICT (call_id, identity) DO UPDATE SET
                direction = excluded.direction, outcome = excluded.outcome, answered_at = excluded.answered_at, ended_at = excluded.ended_at,
                duration_seconds = excluded.duration_seconds, invitation_id = excluded.invitation_id, peers = excluded.peers, state = excluded.state
            """, args, transaction, cancellationToken: cancellationToken));
    }
}
