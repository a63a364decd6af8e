using System.Net;
using System.Net.Http.Json;
using CallServer.History;
using CallServer.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace CallServer.Tests.History;

/// <summary><c>History:RetentionDays</c>: a supervised job removes old calls, their events, participants and users' rows, in batches.</summary>
[Collection(RedisCollection.Name)]
public sealed class HistoryRetentionTests(RedisServer redis)
{
    [Fact]
    public async Task CallsOlderThanTheRetentionGoWithAllTheirRowsAndNewerOnesStay()
    {
        var dataDir = Directory.CreateTempSubdirectory("callserver-data-").FullName;
        try
        {
            string oldCall, freshCall;
            var settings = RecentCallsScript.Settings.ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
            using (var first = new CallServerApplication(redis.ConnectionString, dataDir: dataDir, settings: settings).Start())
            {
                oldCall = await CallAsync(first);
                freshCall = await CallAsync(first);
                await Eventually.TrueAsync(async () => (await first.Admin().GetFromJsonAsync<List<RecentCallRecord>>("/users/bob/calls"))!.Count == 2,
                    "both calls in Bob's recent calls");
            }

            // one real call ended three days ago, and 250 more (three batches) with an event each
            await using (var db = new SqliteConnection($"Data Source={Path.Combine(dataDir, "history.db")}"))
            {
                await db.OpenAsync();
                var old = DateTimeOffset.UtcNow.AddDays(-3);
                await ExecuteAsync(db, "UPDATE calls SET ended_at = $old WHERE call_id = $id", ("$old", old), ("$id", oldCall));
                for (var i = 0; i < 250; i++)
                {
                    var id = Guid.NewGuid().ToString();
                    await ExecuteAsync(db, "INSERT INTO calls (call_id, room_id, started_at, ended_at, end_reason) VALUES ($id, 'aged', $old, $old, 'empty')", ("$id", id), ("$old", old));
                    await ExecuteAsync(db, "INSERT INTO call_events (call_id, seq, type, at) VALUES ($id, 1, 'call_started', $old)", ("$id", id), ("$old", old));
                }
            }

            settings["History:RetentionDays"] = "1";
            using var next = new CallServerApplication(redis.ConnectionString, dataDir: dataDir, settings: settings).Start();
            await Eventually.TrueAsync(async () => (await next.Admin().GetAsync($"/calls/{oldCall}")).StatusCode == HttpStatusCode.NotFound,
                "the old call removed", TimeSpan.FromSeconds(30));
            await Eventually.TrueAsync(async () => await CountAsync(dataDir, "SELECT COUNT(*) FROM calls WHERE room_id = 'aged'") == 0,
                "every aged call removed", TimeSpan.FromSeconds(30));

            Assert.Equal([freshCall], (await next.Admin().GetFromJsonAsync<List<RecentCallRecord>>("/users/bob/calls"))!.Select(r => r.CallId));
            Assert.Equal(HttpStatusCode.OK, (await next.Admin().GetAsync($"/calls/{freshCall}")).StatusCode);
            foreach (var table in new[] { "user_calls", "call_events", "call_participants", "calls" })
            {
                Assert.Equal(0, await CountAsync(dataDir, $"SELECT COUNT(*) FROM {table} WHERE call_id = '{oldCall}' OR call_id IN (SELECT call_id FROM calls WHERE room_id = 'aged')"));
            }

            // the writer goes on after the removals
            var third = await CallAsync(next);
            await Eventually.TrueAsync(async () => (await next.Admin().GetFromJsonAsync<List<RecentCallRecord>>("/users/bob/calls"))!.Any(r => r.CallId == third),
                "a new call in Bob's recent calls");
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>Cat and Bob in a room by id, then both gone: the call's id.</summary>
    private static async Task<string> CallAsync(CallServerApplication app)
    {
        var room = "kept-" + Guid.NewGuid().ToString("N")[..8];
        var script = new RecentCallsScript(app.BaseAddress);
        var joined = new List<CallServer.Api.JoinResponse>();
        foreach (var who in new[] { "cat", "bob" })
        {
            using var response = await JoinTokenMinter.JoinAsync(app, room, JoinTokenMinter.Token(room, who), who);
            joined.Add((await response.Content.ReadFromJsonAsync<CallServer.Api.JoinResponse>())!);
        }

        foreach (var participant in joined)
        {
            using var http = script.Bearer(participant.Token);
            (await http.PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
        }

        var callId = joined[0].Room.CallId!;
        return callId;
    }

    private static async Task ExecuteAsync(SqliteConnection db, string sql, params (string Name, object Value)[] args)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in args)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(string dataDir, string sql)
    {
        await using var db = new SqliteConnection($"Data Source={Path.Combine(dataDir, "history.db")}");
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
