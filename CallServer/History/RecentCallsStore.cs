using System.Text.Json;
using CallServer.Domain.History;
using Dapper;

namespace CallServer.History;

/// <summary>Reads each user's recent calls (<c>user_calls</c>): only parts that have ended, newest first, paged by call id.</summary>
internal sealed class RecentCallsStore(HistoryDialect dialect)
{
    static RecentCallsStore() => DateTimeOffsetHandler.Register();

    public bool IsUnavailable(Exception exception) => dialect.IsUnavailable(exception);

    /// <summary>
    /// The user's calls, newest first; <paramref name="beforeCallId"/> goes on after that call of the previous page (a call
    /// that is not the user's gives an empty page). Rows written meanwhile never move a row from one page to another.
    /// </summary>
    public async Task<IReadOnlyList<RecentCallRecord>> RecentAsync(string identity, int limit, string? beforeCallId, bool missedOnly, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var missed = missedOnly ? $"AND outcome = '{CallOutcomes.Missed}'" : "";
        var after = beforeCallId is null
            ? ""
            : $"AND (started_at, call_id) < (SELECT started_at, call_id FROM user_calls WHERE identity = @identity AND call_id = {dialect.Uuid("@beforeCallId")})";
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"""
            SELECT {dialect.AsText("call_id")} AS CallId, room_id AS RoomId, direction AS Direction, outcome AS Outcome,
                   started_at AS StartedAt, answered_at AS AnsweredAt, ended_at AS EndedAt, duration_seconds AS DurationSeconds,
                   {dialect.AsText("peers")} AS Peers, invitation_id AS InvitationId
            FROM user_calls
            WHERE identity = @identity AND ended_at IS NOT NULL {missed} {after}
            ORDER BY started_at DESC, call_id DESC
            LIMIT @limit
            """, new { identity, limit, beforeCallId }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new RecentCallRecord(r.CallId, r.RoomId, r.Direction, r.Outcome ?? "", r.StartedAt, r.AnsweredAt, r.EndedAt!.Value,
            r.DurationSeconds, JsonSerializer.Deserialize(r.Peers, HistoryJson.Default.ImmutableListRecentPeer) ?? [], r.InvitationId))];
    }

    /// <summary>How many of the user's incoming calls ended missed after <paramref name="since"/> (all of them when null).</summary>
    public async Task<long> MissedCountAsync(string identity, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var after = since is null ? "" : "AND ended_at > @since";
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition($"""
            SELECT COUNT(*) FROM user_calls
            WHERE identity = @identity AND outcome = '{CallOutcomes.Missed}' AND ended_at IS NOT NULL {after}
            """, new { identity, since }, cancellationToken: cancellationToken));
    }

    private sealed class Row
    {
        public string CallId { get; set; } = "";
        public string RoomId { get; set; } = "";
        public string Direction { get; set; } = "";
        public string? Outcome { get; set; }
        public DateTimeOffset StartedAt { get; set; }
        public DateTimeOffset? AnsweredAt { get; set; }
        public DateTimeOffset? EndedAt { get; set; }
        public long DurationSeconds { get; set; }
        public string Peers { get; set; } = "[]";
        public string? InvitationId { get; set; }
    }
}
