using System.Net;
using System.Net.Http.Json;
using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.Rooms;

[Collection(RedisCollection.Name)]
public sealed class RoomFlowTests(RedisServer redis) : IDisposable
{
    private readonly CallServerApplication _app = new CallServerApplication(redis.ConnectionString).Start();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task EveryClientReceivesEveryStatusInIncreasingVersionOrder()
    {
        var room = "flow-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        await using var annHub = await _app.ConnectAsync(ann);
        var bob = await _app.JoinAsync(room, "Bob");
        await using var bobHub = await _app.ConnectAsync(bob);
        var cid = await _app.JoinAsync(room, "Cid");
        await using var cidHub = await _app.ConnectAsync(cid);

        var last = await cidHub.Connection.InvokeAsync<RoomStatus>("SetMedia", false, true);
        last = await annHub.Connection.InvokeAsync<RoomStatus>("SetMedia", true, false);
        last = await bobHub.Connection.InvokeAsync<RoomStatus>("SetMedia", false, false);

        Assert.Equal("active", last.State);
        Assert.Equal(3, last.Participants.Count);
        Assert.All(last.Participants, p => Assert.Equal("connected", p.Presence));
        foreach (var hub in new[] { annHub, bobHub, cidHub })
        {
            await hub.WaitForStatusAsync(s => s.Version == last.Version, $"version {last.Version} at {hub.ParticipantId}");
            var versions = hub.Statuses.Select(s => s.Version).ToList();
            Assert.Equal(versions.Order().Distinct(), versions);
            // from the status that announced its own connection on, a client misses no version
            var first = hub.Statuses[0].Version;
            Assert.Equal(Enumerable.Range((int)first, (int)(last.Version - first + 1)).Select(v => (long)v), versions);
        }

        var seenByAnn = annHub.Statuses[^1];
        Assert.False(seenByAnn.Participants.Single(p => p.ParticipantId == bob.ParticipantId).Audio);
        Assert.False(seenByAnn.Participants.Single(p => p.ParticipantId == ann.ParticipantId).Video);
        Assert.True(seenByAnn.Participants.Single(p => p.ParticipantId == cid.ParticipantId).Video);
    }

    [Fact]
    public async Task SignalReachesOnlyItsReceiver()
    {
        var room = "signal-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        var bob = await _app.JoinAsync(room, "Bob");
        var cid = await _app.JoinAsync(room, "Cid");
        await using var annHub = await _app.ConnectAsync(ann);
        await using var bobHub = await _app.ConnectAsync(bob);
        await using var cidHub = await _app.ConnectAsync(cid);

        await annHub.Connection.InvokeAsync("Signal", bob.ParticipantId, "offer", "v=0 sdp for bob");
        await annHub.Connection.InvokeAsync("Signal", cid.ParticipantId, "candidate", "{\"candidate\":\"for cid\"}");

        var atBob = await bobHub.WaitForSignalAsync(_ => true, "the offer at Bob");
        var atCid = await cidHub.WaitForSignalAsync(_ => true, "the candidate at Cid");
        Assert.Equal((ann.ParticipantId, "offer", "v=0 sdp for bob"), (atBob.From, atBob.Type, atBob.Payload));
        Assert.Equal((ann.ParticipantId, "candidate"), (atCid.From, atCid.Type));
        // the signals were published in order: once Cid has its own, Bob's would have arrived too
        Assert.Single(bobHub.Signals);
        Assert.Single(cidHub.Signals);
        Assert.Empty(annHub.Signals);
    }

    [Fact]
    public async Task SignalToParticipantOfAnotherRoomIsRefused()
    {
        var ann = await _app.JoinAsync("room-a-" + Guid.NewGuid().ToString("N")[..6], "Ann");
        var eve = await _app.JoinAsync("room-b-" + Guid.NewGuid().ToString("N")[..6], "Eve");
        await using var annHub = await _app.ConnectAsync(ann);
        await using var eveHub = await _app.ConnectAsync(eve);

        var refused = await Assert.ThrowsAsync<HubException>(() => annHub.Connection.InvokeAsync("Signal", eve.ParticipantId, "offer", "sdp"));
        Assert.Contains("is not in room", refused.Message);
        var bad = await Assert.ThrowsAsync<HubException>(() => annHub.Connection.InvokeAsync("Signal", eve.ParticipantId, "bad type!", "sdp"));
        Assert.Contains("type must be", bad.Message);

        // and nothing else is disturbed
        var status = await annHub.Connection.InvokeAsync<RoomStatus>("GetStatus");
        Assert.Single(status.Participants);
        Assert.Empty(eveHub.Signals);
    }

    [Fact]
    public async Task LeaveRemovesTheParticipantForEveryoneAndARetryWithItsKeyGetsTheSameAnswer()
    {
        var room = "leave-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        var bob = await _app.JoinAsync(room, "Bob");
        await using var annHub = await _app.ConnectAsync(ann);

        using var bobClient = _app.WithToken(bob.Token);
        bobClient.DefaultRequestHeaders.Add("Idempotency-Key", "bob-leave-1");
        var first = await bobClient.PostAsync($"/rooms/{room}/leave", null);
        var retried = await bobClient.PostAsync($"/rooms/{room}/leave", null);
        bobClient.DefaultRequestHeaders.Remove("Idempotency-Key");
        var again = await bobClient.PostAsync($"/rooms/{room}/leave", null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var status = (await retried.Content.ReadFromJsonAsync<RoomStatus>())!;
        Assert.Equal("waiting", status.State);
        Assert.Equal([ann.ParticipantId], status.Participants.Select(p => p.ParticipantId));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retried.Content.ReadAsStringAsync());
        // without the key, a departed participant's token leaves nothing more
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        Assert.Contains("no longer in room", await again.Content.ReadAsStringAsync());
        await annHub.WaitForStatusAsync(s => s.Participants.Count == 1 && s.State == "waiting", "Bob gone at Ann");
    }

    [Fact]
    public async Task LastParticipantLeavingEndsTheCallAndTheNextJoinStartsANewOne()
    {
        var room = "calls-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        await using var annHub = await _app.ConnectAsync(ann);

        await annHub.Connection.InvokeAsync("Leave");

        var ended = await annHub.WaitForEndedAsync();
        Assert.Equal((room, ann.Room.CallId, "empty"), (ended.RoomId, ended.CallId, ended.Reason));
        await annHub.Closed.WaitAsync(Eventually.DefaultTimeout);
        using var admin = _app.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/rooms/{room}")).StatusCode);

        var next = await _app.JoinAsync(room, "Ann again");
        Assert.NotEqual(ann.Room.CallId, next.Room.CallId);
        Assert.True(next.Room.Version > ann.Room.Version, "versions keep growing across calls");
    }

    [Fact]
    public async Task JoinRetriedWithTheSameIdempotencyKeyReturnsTheFirstAnswer()
    {
        var room = "idem-" + Guid.NewGuid().ToString("N")[..8];

        var key = Guid.NewGuid().ToString();
        var first = await _app.JoinAsync(room, "Ann", idempotencyKey: key);
        var retry = await _app.JoinAsync(room, "Ann", idempotencyKey: key);
        var other = await _app.JoinAsync(room, "Ann", idempotencyKey: Guid.NewGuid().ToString());

        Assert.Equal(first.ParticipantId, retry.ParticipantId);
        Assert.Equal(first.Token, retry.Token);
        Assert.Equal(first.Room.Version, retry.Room.Version);
        Assert.NotEqual(first.ParticipantId, other.ParticipantId);
        var status = await _app.StatusAsync(room);
        Assert.Equal(2, status.Participants.Count);
    }

    [Fact]
    public async Task JoiningAFullRoomAnswers409()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?> { ["Rooms:MaxParticipants"] = "2" }).Start();
        var room = "full-" + Guid.NewGuid().ToString("N")[..8];
        await app.JoinAsync(room, "Ann");
        await app.JoinAsync(room, "Bob");

        using var response = await app.CreateClient().PostAsJsonAsync($"/rooms/{room}/join", new { displayName = "Cid" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(2, (await app.StatusAsync(room)).Participants.Count);
    }
}
