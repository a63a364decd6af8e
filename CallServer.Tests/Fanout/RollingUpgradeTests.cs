using System.Text.Json.Nodes;
using CallServer.Backup;
using CallServer.Domain.Rooms;
using CallServer.Fanout;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;

namespace CallServer.Tests.Fanout;

/// <summary>
/// A rolling deploy from a build before issue 29 (one channel for every room's statuses and every signal): while an instance
/// of it listens, this build copies its statuses and signals there and relays what that build publishes there. The older
/// instance is played by a plain Redis client that subscribes and publishes as it did.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RollingUpgradeTests(RedisServer redis)
{
    [Fact]
    public async Task WhileAnOlderInstanceListensItHearsThisBuildsChangesAndThisBuildsClientsHearItsOwn()
    {
        LegacyChannels.CountEvery = TimeSpan.FromMilliseconds(200);
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        var keys = app.Service<RedisKeys>();
        var roomId = "rolling-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await app.JoinAsync(roomId, "Ann");
        await using var annHub = await app.ConnectAsync(ann);
        var bob = await app.JoinAsync(roomId, "Bob");
        await using var bobHub = await app.ConnectAsync(bob);

        // the older instance: it subscribes to the one channel of every status and of every signal
        await using var older = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var heard = new System.Collections.Concurrent.ConcurrentQueue<(string Channel, string Message)>();
        var statuses = await older.GetSubscriber().SubscribeAsync(RedisChannel.Literal(keys.LegacyStatusChannel));
        statuses.OnMessage(m => heard.Enqueue(("status", m.Message.ToString())));
        var signals = await older.GetSubscriber().SubscribeAsync(RedisChannel.Literal(keys.LegacySignalChannel));
        signals.OnMessage(m => heard.Enqueue(("signal", m.Message.ToString())));
        await Eventually.TrueAsync(() => Task.FromResult(app.Service<LegacyCopies>().Active), "this instance sees the older one");

        // a change and a signal of this build reach the older instance, marked as copies it can read as before
        var changed = await annHub.Connection.InvokeAsync<RoomStatus>("SetMedia", false, true);
        await annHub.Connection.InvokeAsync("Signal", bob.ParticipantId, "offer", "sdp-1");
        var status = await Eventually.ValueAsync(
            () => Task.FromResult(heard.FirstOrDefault(h => h.Channel == "status" && (long?)JsonNode.Parse(h.Message)!["status"]!["version"] == changed.Version)),
            h => h.Message is not null, "the older instance hears the change");
        Assert.Equal(2, (int?)JsonNode.Parse(status.Message)!["fanout"]);
        Assert.Equal(roomId, (string?)JsonNode.Parse(status.Message)!["status"]!["roomId"]);
        var signal = await Eventually.ValueAsync(
            () => Task.FromResult(heard.FirstOrDefault(h => h.Channel == "signal")), h => h.Message is not null, "the older instance hears the signal");
        Assert.Equal((bob.ParticipantId, "sdp-1"), ((string?)JsonNode.Parse(signal.Message)!["to"], (string?)JsonNode.Parse(signal.Message)!["payload"]));
        await bobHub.WaitForSignalAsync(s => s.Payload == "sdp-1", "Bob hears Ann's offer once, on his own channel");

        // what the older instance writes reaches this build's clients: a status (the next version) and a signal
        var next = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(changed, CallServer.Hubs.HubJson.Default.RoomStatus))!;
        next["version"] = changed.Version + 1;
        var published = new JsonObject { ["status"] = next };
        await older.GetSubscriber().PublishAsync(RedisChannel.Literal(keys.LegacyStatusChannel), published.ToJsonString());
        await older.GetSubscriber().PublishAsync(RedisChannel.Literal(keys.LegacySignalChannel),
            new JsonObject { ["roomId"] = roomId, ["to"] = ann.ParticipantId, ["from"] = bob.ParticipantId, ["type"] = "answer", ["payload"] = "sdp-2" }.ToJsonString());
        await bobHub.WaitForStatusAsync(s => s.Version == changed.Version + 1, "Bob hears the older instance's status");
        await annHub.WaitForSignalAsync(s => s.Payload == "sdp-2" && s.From == bob.ParticipantId, "Ann hears the older instance's signal");
        Assert.Single(bobHub.Signals, s => s.Payload == "sdp-1");

        // the older instance is gone: the copies stop
        await statuses.UnsubscribeAsync();
        await signals.UnsubscribeAsync();
        await Eventually.TrueAsync(() => Task.FromResult(!app.Service<LegacyCopies>().Active), "this instance sees the older one gone");
    }
}
