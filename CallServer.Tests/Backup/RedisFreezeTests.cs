using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using CallServer.Domain.Rooms;
using CallServer.History;
using CallServer.Tests.History;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace CallServer.Tests.Backup;

/// <summary>
/// A Redis that hangs (SIGSTOP for 12 s, then SIGCONT) under SetMedia load and joins, with PostgreSQL holding the history:
/// the case that used to stop the whole process. Has a redis-server and a PostgreSQL of its own, since it freezes them.
/// </summary>
public sealed class RedisFreezeTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Redis:TimeoutMs of the app under test; every call must be answered within it plus the documented margin (2 s at most).</summary>
    private const int RedisTimeoutMs = 1000;
    private static readonly TimeSpan AnswerBound = TimeSpan.FromMilliseconds(RedisTimeoutMs + 2000);
    private static readonly TimeSpan Freeze = TimeSpan.FromSeconds(12);

    private readonly RedisServer _redis = new();
    private readonly PostgresServer _postgres = new();

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        await _postgres.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task AFrozenRedisLeavesTheProcessUpAnswersEveryCallInTimeAndLosesNothingAcknowledged()
    {
        using var app = new CallServerApplication(_redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = await _postgres.CreateDatabaseAsync(),
            ["Redis:TimeoutMs"] = RedisTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Rooms:ReconnectGraceSeconds"] = "3",
            ["History:MaxRetryDelaySeconds"] = "1",
        }).Start();
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var rooms = new[] { "frozen-a-", "frozen-b-" }.Select(r => r + Guid.NewGuid().ToString("N")[..6]).ToList();
        var clients = new List<HubClient>();
        var roomOf = new Dictionary<string, string>();
        var callOf = new Dictionary<string, string>();
        foreach (var room in rooms)
        {
            foreach (var name in new[] { "Ann", "Bob" })
            {
                var joined = await app.JoinAsync(room, name);
                clients.Add(await app.ConnectAsync(joined));
                roomOf[joined.ParticipantId] = room;
                callOf[room] = joined.Room.CallId!;
            }
        }

        // Cid drops just before the freeze: his reconnect grace runs out while Redis is frozen
        var cid = await app.JoinAsync(rooms[1], "Cid");
        await (await app.ConnectAsync(cid)).DisposeAsync();
        await clients[2].WaitForStatusAsync(s => s.Participants.Any(p => p.ParticipantId == cid.ParticipantId && p.Presence == "reconnecting"), "Cid reconnecting");

        var load = new MediaLoad(clients).Start(c => roomOf[c.ParticipantId]);
        await load.WaitForAcknowledgedAsync(TimeSpan.Zero, "changes acknowledged before the freeze");
        await _redis.FreezeAsync();
        var frozenAt = load.Now;
        var joins = new List<(HttpStatusCode Status, TimeSpan Took, string? RetryAfter)>();
        using (var http = app.CreateClient())
        {
            // joins keep coming while Redis hangs: each gets its answer within the bound
            while (load.Now - frozenAt < Freeze)
            {
                var watch = Stopwatch.StartNew();
                using var join = await http.PostAsJsonAsync($"/rooms/{rooms[0]}/join", new { displayName = "Dan" });
                joins.Add((join.StatusCode, watch.Elapsed, join.Headers.RetryAfter?.ToString()));
            }
        }

        await _redis.ThawAsync();
        var thawedAt = load.Now;
        await load.WaitForAcknowledgedAsync(thawedAt, "a change acknowledged after the thaw");
        var recovered = load.Now - thawedAt;
        // statuses flow again: a peer receives a status newer than the freeze
        var newest = load.Ops.Where(o => o.Acked is not null && o.RoomId == rooms[0]).MaxBy(o => o.Acked!.Version)!;
        await clients[0].WaitForStatusAsync(s => s.Version >= newest.Acked!.Version, "a status after the thaw");
        var ops = await load.StopAsync();

        output.WriteLine($"{ops.Count} calls, {ops.Count(o => o.Acked is not null)} acknowledged, {ops.Count(o => o.Error is not null)} refused; " +
            $"longest answer {ops.Max(o => o.Took).TotalMilliseconds:F0} ms; first acknowledgement {recovered.TotalMilliseconds:F0} ms after the thaw; " +
            $"{joins.Count} joins during the freeze, longest {joins.Max(j => j.Took).TotalMilliseconds:F0} ms");
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "the host kept running");
        Assert.All(ops, o => Assert.True(o.Took <= AnswerBound, $"SetMedia answered in {o.Took.TotalMilliseconds:F0} ms: {o.Error}"));
        Assert.Contains(ops, o => o.Started > frozenAt && o.Started < thawedAt - TimeSpan.FromSeconds(1) && o.Error is not null);
        Assert.All(joins, j => Assert.True(j.Took <= AnswerBound, $"join answered in {j.Took.TotalMilliseconds:F0} ms"));
        Assert.All(joins.Where(j => j.Status != HttpStatusCode.OK), j => Assert.Equal((HttpStatusCode.ServiceUnavailable, "2"), (j.Status, j.RetryAfter)));
        Assert.True(recovered <= TimeSpan.FromSeconds(2), $"recovered {recovered.TotalMilliseconds:F0} ms after the thaw");

        var finals = new Dictionary<string, RoomStatus>();
        foreach (var room in rooms)
        {
            finals[room] = await app.StatusAsync(room);
        }

        Assert.Empty(LostAcknowledgements.Find(ops, finals));
        // the deadline that fell due during the freeze fired, once; nobody else was taken for gone
        Assert.DoesNotContain(finals[rooms[1]].Participants, p => p.ParticipantId == cid.ParticipantId);
        Assert.All(clients, c => Assert.Equal("connected", finals[roomOf[c.ParticipantId]].Participants.Single(p => p.ParticipantId == c.ParticipantId).Presence));

        // the history catches up: the whole call, every event once, in order
        foreach (var client in clients)
        {
            await client.Connection.InvokeAsync("Leave");
            await client.DisposeAsync();
        }

        var call = await CallHistoryTests.EndedCallAsync(app, callOf[rooms[1]]);
        Assert.Equal(Enumerable.Range(1, call.Events.Count).Select(i => (long)i), call.Events.Select(e => e.Seq));
        Assert.Single(call.Events, e => e.Type == RoomEventTypes.ParticipantLeft && e.ParticipantId == cid.ParticipantId);
        Assert.Equal("timeout", call.Participants.Single(p => p.ParticipantId == cid.ParticipantId).LeaveReason);
        Assert.Equal(
            ops.Where(o => o.RoomId == rooms[1] && o.Acked is not null).Select(o => o.Acked!.Version).Distinct().Count() > 0,
            call.Events.Any(e => e.Type == RoomEventTypes.MediaChanged));
    }
}
