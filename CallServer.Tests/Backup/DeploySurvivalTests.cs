using System.Net.Http.Json;
using CallServer.Backup;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;

namespace CallServer.Tests.Backup;

[Collection(RedisCollection.Name)]
public sealed class DeploySurvivalTests(RedisServer redis)
{
    [Fact]
    public async Task NewHostOnTheSameRedisBringsBackEveryRoomWithItsParticipantsAndTokens()
    {
        var prefix = $"deploy{Guid.NewGuid():N}:";
        var rooms = Enumerable.Range(0, 3).Select(i => $"deploy-{i}-{Guid.NewGuid().ToString("N")[..6]}").ToList();
        var joined = new Dictionary<string, List<CallServer.Api.JoinResponse>>();
        var versions = new Dictionary<string, long>();
        using (var old = new CallServerApplication(redis.ConnectionString, keyPrefix: prefix).Start())
        {
            var hubs = new List<HubClient>();
            foreach (var room in rooms)
            {
                joined[room] = [await old.JoinAsync(room, "Ann"), await old.JoinAsync(room, "Bob")];
                foreach (var participant in joined[room])
                {
                    hubs.Add(await old.ConnectAsync(participant));
                }

                versions[room] = (await hubs[^1].Connection.InvokeAsync<RoomStatus>("SetMedia", false, true)).Version;
            }

            // the old process stops with its clients still connected
        }

        using var next = new CallServerApplication(redis.ConnectionString, keyPrefix: prefix).Start();
        foreach (var room in rooms)
        {
            using var client = next.WithToken(joined[room][0].Token);
            var status = await Eventually.ValueAsync(
                () => client.GetFromJsonAsync<RoomStatus>($"/rooms/{room}")!,
                s => s!.Participants.All(p => p.Presence == "reconnecting"),
                $"{room} restored with its participants reconnecting");
            Assert.Equal(joined[room].Select(j => j.ParticipantId), status!.Participants.Select(p => p.ParticipantId));
            Assert.True(status.Version > versions[room], "restored from the last acknowledged version on");
            Assert.Equal(joined[room][0].Room.CallId, status.CallId);
            Assert.False(status.Participants[1].Audio);

            // the old tokens still work, and the clients that come back are connected again
            await using var ann = await next.ConnectAsync(joined[room][0]);
            await using var bob = await next.ConnectAsync(joined[room][1]);
            await bob.WaitForStatusAsync(s => s.Participants.All(p => p.Presence == "connected"), $"{room} connected again");
        }
    }

    [Fact]
    public async Task ConnectionsOfAKilledProcessStartTheirGraceOnceItsLivenessKeyExpires()
    {
        var prefix = $"killed{Guid.NewGuid():N}:";
        var room = "killed-" + Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string?> { ["Redis:InstanceTtlSeconds"] = "2" };
        CallServer.Api.JoinResponse ann;
        using (var old = new CallServerApplication(redis.ConnectionString, keyPrefix: prefix, settings: settings).Start())
        {
            ann = await old.JoinAsync(room, "Ann");
            // what a process killed with kill -9 leaves behind: Ann connected through it, its liveness key not yet expired
            var backup = old.Service<RoomBackup>();
            var state = (await backup.LoadAsync(room, CancellationToken.None))!;
            var connected = state with
            {
                Version = state.Version + 1,
                Participants = [state.Participants[0] with { Presence = Presence.Connected, Deadline = null, ConnectionId = "c1", InstanceId = "killed" }],
            };
            Assert.True((await backup.SaveAsync(state.Version, [new BackupStep(connected, [])], TimeSpan.FromHours(1), CancellationToken.None)).Written);
            await using var probe = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
            // a few TTLs of margin: the next process's start must not outlast it on a loaded machine
            await probe.GetDatabase().StringSetAsync($"{prefix}instance:killed", "1", TimeSpan.FromSeconds(6));
        }

        using var next = new CallServerApplication(redis.ConnectionString, keyPrefix: prefix, settings: settings).Start();
        var restored = await next.StatusAsync(room);
        Assert.Equal("connected", restored.Participants.Single().Presence);

        var released = await Eventually.ValueAsync(() => next.StatusAsync(room), s => s.Participants.Single().Presence == "reconnecting", "Ann reconnecting after the old key expired");
        Assert.Equal(ann.ParticipantId, released.Participants.Single().ParticipantId);
    }
}
