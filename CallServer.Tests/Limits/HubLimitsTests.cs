using System.Diagnostics;
using CallServer.Domain.Rooms;
using CallServer.Hubs;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.Limits;

/// <summary>The hub's limits: calls per connection, connections per participant; and live rooms per instance.</summary>
[Collection(RedisCollection.Name)]
public sealed class HubLimitsTests(RedisServer redis)
{
    [Fact]
    public async Task AFloodingConnectionIsThrottledThenClosedWhileItsRoomAndOthersCarryOn()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Limits:HubCallsPerSecond"] = "5",
            ["Limits:HubCallBurst"] = "10",
            ["Limits:HubFloodCloseAfter"] = "50",
        }).Start();
        var room = "flood-" + Guid.NewGuid().ToString("N")[..8];
        var mallory = await app.JoinAsync(room, "Mallory");
        var ann = await app.JoinAsync(room, "Ann");
        var bob = await app.JoinAsync("calm-" + Guid.NewGuid().ToString("N")[..8], "Bob");
        await using var malloryHub = await app.ConnectAsync(mallory);
        await using var annHub = await app.ConnectAsync(ann);
        await using var bobHub = await app.ConnectAsync(bob);

        // 300 calls at once: the bucket lets its burst through, refuses the rest, and closes the connection
        var flood = Enumerable.Range(0, 300).Select(i => malloryHub.Connection.InvokeAsync<RoomStatus>("SetMedia", i % 2 == 0, true)).ToList();
        var others = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            foreach (var hub in new[] { annHub, bobHub })
            {
                var watch = Stopwatch.StartNew();
                await hub.Connection.InvokeAsync<RoomStatus>("SetMedia", i % 2 == 0, true);
                others.Add(watch.Elapsed);
            }
        }

        var outcomes = await Task.WhenAll(flood.Select(async call =>
        {
            try
            {
                await call;
                return "ok";
            }
            catch (HubException ex)
            {
                return ex.Message;
            }
            catch (Exception)
            {
                return "closed";
            }
        }));
        await malloryHub.Closed.WaitAsync(Eventually.DefaultTimeout);

        // the burst, and what the bucket refilled meanwhile (at most one burst more: it fills up while the others connect)
        Assert.InRange(outcomes.Count(o => o == "ok"), 10, 40);
        Assert.Contains(outcomes, o => o.Contains("HubException: [rate_limited] Too many hub calls", StringComparison.Ordinal));
        Assert.Equal(HubConnectionState.Disconnected, malloryHub.Connection.State);
        // told why, once, before the close: reconnect after a back-off
        Assert.Equal([new ClosingMessage("rate_limited", true)], malloryHub.Closings);
        // the rest of the room, and another room, were served all along
        Assert.All(others, elapsed => Assert.True(elapsed < TimeSpan.FromSeconds(2), $"a call of another participant took {elapsed}"));
        await annHub.WaitForStatusAsync(s => s.Participants.Any(p => p.ParticipantId == ann.ParticipantId && !p.Audio), "Ann's own change");
        Assert.True((await annHub.Connection.InvokeAsync<RoomStatus>("GetStatus")).Version > 0);
    }

    [Fact]
    public async Task AConnectionBeyondTheParticipantsCapClosesItsOldest()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        var ann = await app.JoinAsync("cap-" + Guid.NewGuid().ToString("N")[..8], "Ann");
        await using var dropped = await app.ConnectAsync(ann);
        await using var reconnect = await app.ConnectAsync(ann);

        // a third (the phone's second reconnect while the server has not noticed the first drop): never three at once
        await using var third = await app.ConnectAsync(ann);
        await dropped.Closed.WaitAsync(Eventually.DefaultTimeout);

        Assert.Equal(HubConnectionState.Disconnected, dropped.Connection.State);
        // told why before the close: not to reconnect it, the newer connection is the live one
        Assert.Equal([new ClosingMessage("replaced_by_newer_connection", false)], dropped.Closings);
        Assert.Equal("connected", (await third.Connection.InvokeAsync<RoomStatus>("GetStatus")).Participants.Single().Presence);
        await reconnect.Connection.InvokeAsync<RoomStatus>("GetStatus");
        Assert.Equal(HubConnectionState.Connected, reconnect.Connection.State);
    }

    [Fact]
    public async Task BeyondTheLiveRoomCapANewRoomGets503WhileLiveRoomsStillTakeJoins()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Rooms:MaxLiveRooms"] = "2",
            ["Rooms:HibernateAfterSeconds"] = "0",
        }).Start();
        var first = "live-" + Guid.NewGuid().ToString("N")[..8];
        await app.JoinAsync(first, "Ann");
        await app.JoinAsync("live-" + Guid.NewGuid().ToString("N")[..8], "Bob");

        using var refused = await app.CreateClient().PostAsync($"/rooms/live-{Guid.NewGuid():N}/join", System.Net.Http.Json.JsonContent.Create(new { displayName = "Cid" }));
        var joined = await app.JoinAsync(first, "Dan");

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("at_capacity", await refused.ErrorCodeAsync());
        Assert.True(refused.Headers.Contains("Retry-After"));
        Assert.Contains("no new room", await refused.Content.ReadAsStringAsync());
        Assert.Equal(2, joined.Room.Participants.Count);
    }
}
