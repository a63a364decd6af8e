using System.Net;
using System.Net.Http.Json;
using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using CallServer.History;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.History;

[Collection(RedisCollection.Name)]
public sealed class CallHistoryTests(RedisServer redis, PostgresServer postgres) : IClassFixture<PostgresServer>
{
    public static TheoryData<string> Stores => ["postgres", "sqlite"];

    private async Task<CallServerApplication> AppAsync(string store) => new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
    {
        ["ConnectionStrings:Postgres"] = store == "postgres" ? await postgres.CreateDatabaseAsync() : "",
    }).Start();

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AWholeCallIsRecordedWithItsParticipantsReasonsAndEveryEventInOrder(string store)
    {
        using var app = await AppAsync(store);
        var room = "history-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await app.JoinAsync(room, "Ann");
        var bob = await app.JoinAsync(room, "Bob");
        var cid = await app.JoinAsync(room, "Cid");
        await using var annHub = await app.ConnectAsync(ann);
        await using var bobHub = await app.ConnectAsync(bob);
        await using var cidHub = await app.ConnectAsync(cid);
        await annHub.Connection.InvokeAsync<RoomStatus>("SetMedia", false, true);
        await cidHub.Connection.InvokeAsync("Leave");
        using var admin = app.Admin();
        (await admin.DeleteAsync($"/rooms/{room}")).EnsureSuccessStatusCode();

        var call = await EndedCallAsync(app, ann.Room.CallId!);

        Assert.Equal(
            ["call_started", "participant_joined", "participant_joined", "participant_joined", "participant_connected", "participant_connected",
             "participant_connected", "media_changed", "participant_left", "participant_left", "participant_left", "call_ended"],
            call.Events.Select(e => e.Type));
        Assert.Equal(Enumerable.Range(1, call.Events.Count).Select(i => (long)i), call.Events.Select(e => e.Seq));
        Assert.Equal((room, "ended"), (call.RoomId, call.EndReason));
        Assert.Equal(
            [("Ann", "ended"), ("Bob", "ended"), ("Cid", "left")],
            call.Participants.Select(p => (p.DisplayName, p.LeaveReason!)));
        Assert.All(call.Participants, p => Assert.True(p.JoinedAt <= p.LeftAt && p.LeftAt <= call.EndedAt));
        Assert.Equal(cid.ParticipantId, call.Events[8].ParticipantId);
        Assert.Equal("left", call.Events[8].Data!["reason"]);
        Assert.Equal("false", call.Events[7].Data!["audio"]);
        Assert.True(call.Events.Zip(call.Events.Skip(1)).All(pair => pair.First.At <= pair.Second.At));
    }

    [Fact]
    public async Task AWriterThatDiesAfterItsCommitReplaysTheBatchWithoutDuplicates()
    {
        using var app = await AppAsync("postgres");
        var writer = app.Service<HistoryWriter>();
        var crashes = 0;
        writer.AfterCommit = _ => Interlocked.Increment(ref crashes) <= 2 ? throw new IOException("killed after commit") : Task.CompletedTask;
        var room = "replay-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await app.JoinAsync(room, "Ann");
        var bob = await app.JoinAsync(room, "Bob");
        using (var client = app.WithToken(bob.Token))
        {
            (await client.PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
        }

        using (var client = app.WithToken(ann.Token))
        {
            (await client.PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
        }

        await EndedCallAsync(app, ann.Room.CallId!);
        // the committed batch lost its acknowledgement twice and was taken again: the replays must add nothing
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref crashes) > 2), "the batch replayed after the crashes");
        var call = await EndedCallAsync(app, ann.Room.CallId!);

        Assert.Equal(["call_started", "participant_joined", "participant_joined", "participant_left", "participant_left", "call_ended"], call.Events.Select(e => e.Type));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), call.Events.Select(e => e.Seq));
        Assert.Equal(2, call.Participants.Count);
    }

    [Fact]
    public async Task ARoomThatFailedHasItsCallClosedWithReasonFailed()
    {
        using var app = await AppAsync("postgres");
        var room = "failed-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await app.JoinAsync(room, "Ann");
        await using var hub = await app.ConnectAsync(ann);
        app.Service<RoomFaultInjector>().CrashWhen = (roomId, command) => roomId == room && command is SetMedia;
        for (var i = 0; i < 6; i++)
        {
            await Assert.ThrowsAsync<HubException>(() => hub.Connection.InvokeAsync<RoomStatus>("SetMedia", false, false));
        }

        var call = await EndedCallAsync(app, ann.Room.CallId!);

        Assert.Equal("failed", call.EndReason);
        Assert.Equal("failed", call.Participants.Single().LeaveReason);
        Assert.Equal("call_ended", call.Events[^1].Type);
    }

    [Fact]
    public async Task AnEventOfAKindThisVersionDoesNotKnowIsStoredAsItCameNotDropped()
    {
        using var app = await AppAsync("postgres");
        var room = "future-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await app.JoinAsync(room, "Ann");
        using (var client = app.WithToken(ann.Token))
        {
            (await client.PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
        }

        var before = await EndedCallAsync(app, ann.Room.CallId!);
        // queued by a newer version during a rolling deploy
        var future = new RoomEvent(ann.Room.CallId!, room, before.Events.Count + 1, "participant_teleported", ann.ParticipantId,
            DateTimeOffset.UtcNow, new Dictionary<string, string> { ["to"] = "mars" }, ann.ParticipantId, "Ann");
        await using (var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            await admin.GetDatabase().ListLeftPushAsync(
                new CallServer.Backup.RedisKeys(app.KeyPrefix).HistoryQueue,
                System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(future, CallServer.Backup.BackupJson.Default.RoomEvent));
        }

        var after = await Eventually.ValueAsync(async () =>
        {
            using var admin = app.Admin();
            return await admin.GetFromJsonAsync<CallDetails>($"/calls/{ann.Room.CallId}");
        }, c => c?.Events.Count > before.Events.Count, "the unknown event in the history", TimeSpan.FromSeconds(30));

        Assert.Equal(("participant_teleported", "mars"), (after!.Events[^1].Type, after.Events[^1].Data!["to"]));
        Assert.Equal(Enumerable.Range(1, after.Events.Count).Select(i => (long)i), after.Events.Select(e => e.Seq));
    }

    [Fact]
    public async Task HistoryParkedByAnInstanceThatDiedDoesNotStopTheOtherInstancesWriter()
    {
        // an instance parked history on its disk and died with it: its mark stays in Redis, its liveness key is gone
        var keyPrefix = $"t{Guid.NewGuid():N}:";
        await using (var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            await admin.GetDatabase().StringSetAsync(new CallServer.Backup.RedisKeys(keyPrefix).HistoryParkedBy, "instance-that-died");
        }

        using var app = new CallServerApplication(redis.ConnectionString, keyPrefix: keyPrefix).Start();
        var room = "orphan-mark-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await app.JoinAsync(room, "Ann");
        using (var client = app.WithToken(ann.Token))
        {
            (await client.PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
        }

        var call = await EndedCallAsync(app, ann.Room.CallId!);

        Assert.Equal(["call_started", "participant_joined", "participant_left", "call_ended"], call.Events.Select(e => e.Type));
    }

    [Fact]
    public async Task CallsOfARoomComeNewestFirstInPagesAndUnknownIdsAnswer404()
    {
        using var app = await AppAsync("postgres");
        var room = "pages-" + Guid.NewGuid().ToString("N")[..8];
        var callIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var joined = await app.JoinAsync(room, $"Caller {i}");
            using var client = app.WithToken(joined.Token);
            (await client.PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
            callIds.Add(joined.Room.CallId!);
        }

        await EndedCallAsync(app, callIds[^1]);
        using var admin = app.Admin();

        var first = (await admin.GetFromJsonAsync<List<CallRecord>>($"/rooms/{room}/calls?limit=2"))!;
        var second = (await admin.GetFromJsonAsync<List<CallRecord>>($"/rooms/{room}/calls?limit=2&before={first[^1].CallId}"))!;

        Assert.Equal([callIds[2], callIds[1]], first.Select(c => c.CallId));
        Assert.Equal([callIds[0]], second.Select(c => c.CallId));
        Assert.Equal("Caller 0", second[0].Participants.Single().DisplayName);
        var unknown = await admin.GetAsync($"/calls/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(404, (await unknown.Content.ReadFromJsonAsync<ProblemDetails>())!.Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/calls/not-a-uuid")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/rooms/{room}/calls?limit=0")).StatusCode);
        Assert.Empty((await admin.GetFromJsonAsync<List<CallRecord>>("/rooms/never-used-room/calls"))!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync($"/calls/{callIds[0]}")).StatusCode);
    }

    internal static Task<CallDetails> EndedCallAsync(CallServerApplication app, string callId)
    {
        return Eventually.ValueAsync(async () =>
        {
            using var admin = app.Admin();
            using var response = await admin.GetAsync($"/calls/{callId}");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<CallDetails>() : null;
        }, c => c?.EndedAt is not null, $"call {callId} ended in the history", TimeSpan.FromSeconds(30))!;
    }
}
