using CallServer.Backup;
using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;

namespace CallServer.Tests.Fanout;

[Collection(RedisCollection.Name)]
public sealed class StatusRelayTests(RedisServer redis)
{
    [Fact]
    public async Task AMessageTheRelayCannotReadDoesNotStopTheRoomsStatuses()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        var room = "relay-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await app.JoinAsync(room, "Ann");
        await using var annHub = await app.ConnectAsync(ann);
        var bob = await app.JoinAsync(room, "Bob");
        await using var bobHub = await app.ConnectAsync(bob);

        await using (var probe = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            var keys = app.Service<RedisKeys>();
            var channel = RedisChannel.Literal(keys.RoomStatusChannel(room));
            Assert.Equal(1, await probe.GetSubscriber().PublishAsync(channel, "not json at all"));
            Assert.Equal(1, await probe.GetSubscriber().PublishAsync(channel, "{\"status\":{\"roomId\":42}}"));
            // the same on Ann's own channel: her messages go on
            Assert.Equal(1, await probe.GetSubscriber().PublishAsync(RedisChannel.Literal(keys.ParticipantChannel(room, ann.ParticipantId)), "[1,2"));
        }

        var changed = await bobHub.Connection.InvokeAsync<RoomStatus>("SetMedia", false, false);

        await annHub.WaitForStatusAsync(s => s.Version == changed.Version, "the next status after the bad messages");
    }
}
