using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CallServer.Backup;
using CallServer.Domain.Rooms;
using CallServer.Domain.Telemetry;
using CallServer.Tests.Calling;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;

namespace CallServer.Tests.Fanout;

/// <summary>
/// Issue 29: three instances on one Redis, each hearing only the rooms, participants and users it holds connections of
/// (counted by <c>callserver.pubsub.received</c> per instance).
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class ScaleOutTests(RedisServer redis) : IDisposable
{
    private readonly List<CallServerApplication> _apps = [];

    private CallServerApplication[] Start(int count, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var first = new CallServerApplication(redis.ConnectionString, settings: settings).Start();
        _apps.Add(first);
        for (var i = 1; i < count; i++)
        {
            _apps.Add(new CallServerApplication(redis.ConnectionString, keyPrefix: first.KeyPrefix, settings: settings).Start());
        }

        return [.. _apps];
    }

    public void Dispose() => _apps.ForEach(app => app.Dispose());

    [Fact]
    public async Task EachInstanceReceivesTheStatusesAndSignalsOfItsOwnRoomsOnly()
    {
        var apps = Start(3);
        using var received = new PubSubCounts(apps);
        // two rooms per instance, three participants each, every connection of a room on one instance
        var rooms = new List<(int Instance, string RoomId, List<HubClient> Clients)>();
        for (var i = 0; i < apps.Length; i++)
        {
            for (var r = 0; r < 2; r++)
            {
                var roomId = $"own-{i}-{r}-" + Guid.NewGuid().ToString("N")[..6];
                var clients = new List<HubClient>();
                foreach (var name in new[] { "Ann", "Bob", "Cid" })
                {
                    clients.Add(await apps[i].ConnectAsync(await apps[i].JoinAsync(roomId, name)));
                }

                rooms.Add((i, roomId, clients));
            }
        }

        try
        {
            // everything of the setup heard, then counted from zero
            foreach (var (instance, roomId, clients) in rooms)
            {
                var version = (await apps[instance].StatusAsync(roomId)).Version;
                foreach (var client in clients)
                {
                    await client.WaitForStatusAsync(s => s.Version == version, $"the setup of {roomId} heard");
                }
            }

            var before = new Dictionary<string, long>();
            foreach (var (instance, roomId, _) in rooms)
            {
                before[roomId] = (await apps[instance].StatusAsync(roomId)).Version;
            }

            received.Reset();
            const int changesEach = 4;
            await Task.WhenAll(rooms.SelectMany(room => room.Clients).Select(async client =>
            {
                for (var c = 0; c < changesEach; c++)
                {
                    await client.Connection.InvokeAsync<RoomStatus>("SetMedia", c % 2 == 1, true);
                }
            }));
            // and each participant signals the next one in its room
            await Task.WhenAll(rooms.SelectMany(room => room.Clients.Select((client, k) =>
                client.Connection.InvokeAsync("Signal", room.Clients[(k + 1) % room.Clients.Count].ParticipantId, "offer", "sdp"))));

            var share = new long[apps.Length];
            foreach (var (instance, roomId, clients) in rooms)
            {
                var version = (await apps[instance].StatusAsync(roomId)).Version;
                share[instance] += version - before[roomId];
                foreach (var client in clients)
                {
                    await client.WaitForStatusAsync(s => s.Version == version, $"{roomId}'s last change heard");
                    await client.WaitForSignalAsync(s => s.Type == "offer", $"{client.ParticipantId}'s offer");
                }
            }

            // its share: the changes of its 2 rooms (3 participants × 4 changes each, some grouped into one version or not a
            // change), and its 6 participants' 6 signals; with one channel for every room, each instance received all of them
            for (var i = 0; i < apps.Length; i++)
            {
                var statuses = received.Of(i, "status");
                Assert.True(share[i] >= 12, $"instance {i}'s rooms changed {share[i]} times");
                Assert.True(statuses >= share[i] && statuses <= share[i] * 1.2,
                    $"instance {i} received {statuses} statuses for a share of {share[i]} (all rooms': {share.Sum()})");
                Assert.Equal(6, received.Of(i, "signal"));
            }
        }
        finally
        {
            foreach (var client in rooms.SelectMany(room => room.Clients))
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ARoomOnTwoInstancesDeliversEveryStatusInVersionOrderOnBothAndTheThirdHearsNothing()
    {
        var apps = Start(3);
        using var received = new PubSubCounts(apps);
        var roomId = "span-" + Guid.NewGuid().ToString("N")[..8];
        await using var ann = await apps[0].ConnectAsync(await apps[0].JoinAsync(roomId, "Ann"));
        await using var bob = await apps[1].ConnectAsync(await apps[1].JoinAsync(roomId, "Bob"));
        var from = (await apps[1].StatusAsync(roomId)).Version;
        await ann.WaitForStatusAsync(s => s.Version == from, "Ann hears Bob connected");
        received.Reset();

        // both change at once, through their own instances, and the third instance's REST reads the room meanwhile
        await Task.WhenAll(
            Changes(ann, 15),
            Changes(bob, 15),
            apps[2].CreateClient().GetAsync($"/health/ready"));
        var last = (await apps[0].StatusAsync(roomId)).Version;
        Assert.Equal(from + 30, last);

        foreach (var client in new[] { ann, bob })
        {
            await client.WaitForStatusAsync(s => s.Version == last, $"{client.ParticipantId} hears the last change");
            var versions = client.Statuses.Select(s => s.Version).Where(v => v > from).ToList();
            // every status, each once, in version order
            Assert.Equal(Enumerable.Range(1, 30).Select(k => from + k), versions);
        }

        Assert.Equal(0, received.Of(2, "status"));
        Assert.True(received.Of(0, "status") >= 30 && received.Of(1, "status") >= 30, "both instances heard every status");

        static async Task Changes(HubClient client, int count)
        {
            for (var c = 0; c < count; c++)
            {
                // each call toggles both: a change every time. Two instances' workers write the room at once, so one may be
                // told to try again (room_busy), as a client would
                var on = c % 2 == 1;
                while (true)
                {
                    try
                    {
                        await client.Connection.InvokeAsync<RoomStatus>("SetMedia", on, on);
                        break;
                    }
                    catch (HubException ex) when (ex.Message.Contains("[room_busy]", StringComparison.Ordinal))
                    {
                        await Task.Yield();
                    }
                }
            }
        }
    }

    [Fact]
    public async Task AnInvitationRingsOnlyWhereTheInviteesDevicesAre()
    {
        var apps = Start(3);
        using var received = new PubSubCounts(apps);
        var annToken = await UserDevice.TokenAsync(apps[0].CreateClient(), "ann-" + Guid.NewGuid().ToString("N")[..6], "Ann");
        var bobIdentity = "bob-" + Guid.NewGuid().ToString("N")[..6];
        var bobToken = await UserDevice.TokenAsync(apps[0].CreateClient(), bobIdentity, "Bob");
        await using var phone = await UserDevice.ConnectAsync(apps[1].BaseAddress, bobToken);

        var call = await RingingTests.DialAsync(apps[0], annToken, bobIdentity);
        var ringing = await phone.WaitForAsync(i => i.State == "ringing", "Bob's phone rings");
        using (var ann = apps[0].WithToken(call.Token))
        {
            using var left = await ann.PostAsync($"/rooms/{call.Room.RoomId}/leave", null);
            Assert.True(left.IsSuccessStatusCode);
        }

        var ended = await phone.WaitForAsync(i => i.InvitationId == ringing.InvitationId && i.State != "ringing", "the ring ends when Ann hangs up");
        Assert.Equal(("canceled", "caller_left"), (ended.State, ended.Reason));
        Assert.Equal(2, received.Of(1, "user"));
        Assert.Equal(0, received.Of(0, "user") + received.Of(2, "user"));
        Assert.Equal(1, phone.Invitations.Count(i => i.State == "ringing"));
    }

    [Fact]
    public async Task AnInstanceStopsListeningToARoomItsLastConnectionLeftOnceTheLingerIsOver()
    {
        var apps = Start(2, new Dictionary<string, string?> { ["Fanout:UnsubscribeLingerSeconds"] = "0" });
        var roomId = "linger-" + Guid.NewGuid().ToString("N")[..8];
        var keys = apps[0].Service<RedisKeys>();
        await using var probe = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var server = probe.GetServers()[0];
        async Task<long> Listeners(string channel) =>
            (long)((RedisResult[])(await server.ExecuteAsync("PUBSUB", "NUMSUB", channel))!)[1];

        var ann = await apps[0].JoinAsync(roomId, "Ann");
        var annHub = await apps[0].ConnectAsync(ann);
        await using var bobHub = await apps[1].ConnectAsync(await apps[1].JoinAsync(roomId, "Bob"));
        Assert.Equal(2, await Listeners(keys.RoomStatusChannel(roomId)));
        Assert.Equal(1, await Listeners(keys.ParticipantChannel(roomId, ann.ParticipantId)));

        // Ann's connection closes: her instance holds nothing of the room any more, and stops listening to it
        await annHub.DisposeAsync();
        await Eventually.TrueAsync(async () => await Listeners(keys.RoomStatusChannel(roomId)) == 1, "one instance listens to the room");
        await Eventually.TrueAsync(async () => await Listeners(keys.ParticipantChannel(roomId, ann.ParticipantId)) == 0, "nobody listens to Ann");

        // she comes back within the grace: her instance listens again, and she hears Bob's next change
        await using var again = await apps[0].ConnectAsync(ann);
        var changed = await bobHub.Connection.InvokeAsync<RoomStatus>("SetMedia", false, false);
        await again.WaitForStatusAsync(s => s.Version == changed.Version, "Ann hears Bob's change after her reconnect");
        Assert.Equal(2, await Listeners(keys.RoomStatusChannel(roomId)));
    }

    /// <summary>What each instance received from Redis pub/sub, by kind, since the last reset.</summary>
    private sealed class PubSubCounts : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Meter[] _meters;
        private readonly ConcurrentDictionary<(int, string), long> _counts = new();

        public PubSubCounts(CallServerApplication[] apps)
        {
            _meters = [.. apps.Select(app => app.Service<RoomTelemetry>().Meter)];
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "callserver.pubsub.received" && Array.IndexOf(_meters, instrument.Meter) >= 0)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                var kind = "";
                foreach (var tag in tags)
                {
                    if (tag.Key == "kind")
                    {
                        kind = (string)tag.Value!;
                    }
                }

                _counts.AddOrUpdate((Array.IndexOf(_meters, instrument.Meter), kind), value, (_, v) => v + value);
            });
            _listener.Start();
        }

        public long Of(int instance, string kind) => _counts.GetValueOrDefault((instance, kind));

        public void Reset() => _counts.Clear();

        public void Dispose() => _listener.Dispose();
    }
}
