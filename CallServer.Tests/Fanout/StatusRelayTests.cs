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
    public async Task AMessageTheRelayCannotReadDoesNotStopTheStatusesOfEveryRoom()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        var room = "relay-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await app.JoinAsync(room, "Ann");
        await using var annHub = await app.ConnectAsync(ann);
        var bob = await app.JoinAsync(room, "Bob");
        await using var bobHub = await app.ConnectAsync(bob);

        await using (var probe = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            var channel = RedisChannel.Literal(app.Service<RedisKeys>().StatusChannel);
            await probe.GetSubscriber().PublishAsync(channel, "not json at all");
            await probe.GetSubscriber().PublishAsync(channel, "{\"status\":{\"roomId\":42}}");
        }

        var changed = await bobHub.Connection.InvokeAsync<RoomStatus>("SetMedia", false, false);

        await annHub.WaitForStatusAsync(s => s.Version == changed.Version, "the next status after the bad messages");
    }
}
