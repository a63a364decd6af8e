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
    public async Task AParticipantWhoReconnectsToFloodGetsNoNewBucketIsShutOutAndTheOthersKeepTheirLatency()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Limits:HubCallsPerSecond"] = "5",
            ["Limits:HubCallBurst"] = "20",
            ["Limits:HubFloodCloseAfter"] = "40",
            ["Limits:HubFloodBlockSeconds"] = "60",
            ["Limits:HubConnectsPerMinute"] = "10",
        }).Start();
        var room = "reflood-" + Guid.NewGuid().ToString("N")[..8];
        var mallory = await app.JoinAsync(room, "Mallory");
        var ann = await app.JoinAsync(room, "Ann");
        await using var annHub = await app.ConnectAsync(ann);
        var watch = Stopwatch.StartNew();

        // Mallory reconnects over and over, firing 60 SendData calls on each new connection, while Ann goes on with her calls
        var annLatencies = new List<TimeSpan>();
        var calm = Task.Run(async () =>
        {
            // within her own burst: her calls are never refused, only timed
            for (var i = 0; i < 20; i++)
            {
                var call = Stopwatch.StartNew();
                await annHub.Connection.InvokeAsync("SendData", "chat", "hi " + i, (string[]?)null);
                annLatencies.Add(call.Elapsed);
            }
        });
        var accepted = 0;
        var refusedConnects = new List<string>();
        for (var round = 0; round < 12; round++)
        {
            // a refused connect completes its handshake, then the server closes it with the refusal
            var hub = await app.ConnectAsync(mallory, waitUntilConnected: false);
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
            {
                try
                {
                    await hub.Connection.InvokeAsync("SendData", "chat", "spam " + i, (string[]?)null);
                    return true;
                }
                catch (Exception)
                {
                    return false;
                }
            }));
            if (hub.Closed.IsCompleted && await hub.Closed is { } closedWith && closedWith.Message.Contains("Too many connections", StringComparison.Ordinal))
            {
                refusedConnects.Add(closedWith.Message);
            }

            accepted += outcomes.Count(ok => ok);
            await hub.DisposeAsync();
        }

        var elapsed = watch.Elapsed;
        await calm;

        // one bucket for all of Mallory's connections: its burst and its refill over the whole time, not a burst per connection
        Assert.InRange(accepted, 20, 20 + (int)Math.Ceiling(elapsed.TotalSeconds * 5) + 5);
        // once over the flood limit, Mallory is shut out: each later connect is refused, saying why
        Assert.NotEmpty(refusedConnects);
        Assert.All(refusedConnects, m => Assert.Contains("HubException: [rate_limited] Too many connections: this participant flooded", m, StringComparison.Ordinal));
        // Ann's calls were answered within their usual latency all along (p99 of 20: the slowest)
        var p99 = annLatencies.Order().ElementAt((int)Math.Ceiling(annLatencies.Count * 0.99) - 1);
        Assert.True(p99 < TimeSpan.FromSeconds(1), $"Ann's p99 was {p99} while Mallory flooded");
    }

    [Fact]
    public async Task ConnectsAreLimitedPerParticipantAndPerAddress()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Limits:HubConnectsPerMinute"] = "3",
            ["Limits:HubConnectsPerMinutePerAddress"] = "5",
        }).Start();
        var room = "connects-" + Guid.NewGuid().ToString("N")[..8];
        var joined = new List<CallServer.Api.JoinResponse>();
        foreach (var name in new[] { "Ann", "Bob", "Cat" })
        {
            joined.Add(await app.JoinAsync(room, name));
        }

        async Task<string?> RefusalOf(CallServer.Api.JoinResponse who)
        {
            await using var hub = await app.ConnectAsync(who, waitUntilConnected: false);
            var status = await hub.Connection.InvokeAsync<RoomStatus>("GetStatus").ContinueWith(t => t.IsCompletedSuccessfully);
            return status ? null : (await hub.Closed.WaitAsync(Eventually.DefaultTimeout))?.Message;
        }

        // Ann's three connects a minute, then her fourth is refused (it takes nothing from the address); Bob's and Cat's are the
        // address's fourth and fifth; Cat's second is over the address's rate
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await RefusalOf(joined[0]));
        }

        Assert.Contains("[rate_limited] Too many connections: a participant may open 3 connections a minute", await RefusalOf(joined[0]));
        Assert.Null(await RefusalOf(joined[1]));
        Assert.Null(await RefusalOf(joined[2]));
        Assert.Contains("[rate_limited] Too many connections: an address may open 5 connections a minute", await RefusalOf(joined[2]));
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
