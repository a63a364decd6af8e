using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.Fanout;

/// <summary>docs/API.md §5: a new connection's first status is the room's current state, and no status is missing after it.</summary>
[Collection(RedisCollection.Name)]
public sealed class ConnectCatchUpTests(RedisServer redis)
{
    [Fact]
    public async Task AConnectionStartsFromTheRoomsCurrentStatusAndMeetsNoGapWhileTheRoomKeepsChanging()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Limits:HubCallsPerSecond"] = "0",
        }).Start();
        var room = "catchup-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await app.JoinAsync(room, "Ann");
        await using var annHub = await app.ConnectAsync(ann);

        // the room changes all along: Ann toggles her camera as fast as the room acknowledges
        using var stop = new CancellationTokenSource();
        var changes = 0;
        var churn = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await annHub.Connection.InvokeAsync<RoomStatus>("SetMedia", true, Interlocked.Increment(ref changes) % 2 == 0);
            }
        });

        for (var i = 0; i < 50; i++)
        {
            var bob = await app.JoinAsync(room, "Bob");
            await using var bobHub = await app.ConnectAsync(bob);
            var seen = Volatile.Read(ref changes);
            await Eventually.TrueAsync(() => Task.FromResult(bobHub.Statuses.Count >= 3 && Volatile.Read(ref changes) > seen + 3), "statuses after Bob's connect");

            var statuses = bobHub.Statuses;
            // the first already shows Bob connected: it is the room as of his connect, or newer
            Assert.Equal("connected", statuses[0].Participants.Single(p => p.ParticipantId == bob.ParticipantId).Presence);
            Assert.True(statuses[0].Version > bob.Room.Version, $"round {i}: first status v{statuses[0].Version}, join v{bob.Room.Version}");
            // from it, the version rule never meets a gap, and no status comes twice
            Assert.Equal(statuses.Select(s => s.Version).Distinct(), statuses.Select(s => s.Version));
            var held = statuses[0].Version;
            foreach (var status in statuses.Skip(1).Where(s => s.Version > held))
            {
                Assert.True(status.Version == held + 1, $"round {i}: held v{held}, got v{status.Version}");
                held = status.Version;
            }

            (await app.WithToken(bob.Token).PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
        }

        await stop.CancelAsync();
        await churn;
        Assert.True(changes > 100, $"the room changed {changes} times");
    }
}
