using System.Net.Http.Json;
using CallServer.Backup;
using CallServer.Domain.Backup;
using CallServer.Tests.Infrastructure;
using CallServer.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallServer.Tests.Webhooks;

/// <summary>The webhook backlog has a bound, and a lane's head is removed only by the sender that holds the lease (real Redis).</summary>
[Collection(RedisCollection.Name)]
public sealed class WebhookBacklogTests(RedisServer redis)
{
    [Fact]
    public async Task AReceiverThatKeepsFailingHoldsAtMostMaxQueuedEventsAndTheOldestBecomeDeadLetters()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = _ => Task.FromResult(500);
        var settings = WebhookReceiver.Settings(allTypes: false, receiver);
        settings["Webhooks:MaxQueuedEvents"] = "3";
        settings["Webhooks:MinBackoffMilliseconds"] = "60000";
        using var app = new CallServerApplication(redis.ConnectionString, settings: settings).Start();

        // eight rooms, a join each: 16 webhooks (call.started, participant.joined) for a receiver that answers 500
        var rooms = Enumerable.Range(0, 8).Select(i => $"backlog-{i}-" + Guid.NewGuid().ToString("N")[..6]).ToList();
        foreach (var room in rooms)
        {
            await app.JoinAsync(room, "Ann");
        }

        using var admin = app.Admin();
        var dead = await Eventually.ValueAsync(
            async () => await admin.GetFromJsonAsync<List<WebhookDeadLetter>>("/webhooks/failed?limit=100") ?? [],
            d => d.Count(l => l.Error.Contains("Webhooks:MaxQueuedEvents (3)", StringComparison.Ordinal)) == 13,
            "all but three webhooks dropped to the dead letters");
        await using var store = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await Eventually.ValueAsync(
            async () => (long)await store.GetDatabase().StringGetAsync(app.KeyPrefix + "webhooks:0:backlog"), b => b <= 3, "the backlog within its bound");

        // the ones dropped are the oldest: both of each of the first six rooms, one of the seventh's (its two are as old)
        var dropped = dead.Where(l => l.Error.Contains("MaxQueuedEvents", StringComparison.Ordinal)).Select(l => l.RoomId).ToList();
        Assert.Equal([2, 2, 2, 2, 2, 2, 1, 0], rooms.Select(r => dropped.Count(d => d == r)));
    }

    [Fact]
    public async Task AnOldSendersLateAnswerRemovesNothingOnceAnotherHoldsTheLease()
    {
        await using var store = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var keys = new RedisKeys($"t{Guid.NewGuid():N}:");
        var endpoint = new WebhookEndpoints(Options.Create(new WebhooksOptions
        {
            Endpoints = [new WebhookEndpointOptions { Url = "http://127.0.0.1:9/hooks", Secret = WebhookReceiver.NewSecret() }],
        })).All[0];
        var oldSender = new WebhookQueue(store, keys, new InstanceIdentity(), NullLogger<WebhookQueue>.Instance);
        var newSender = new WebhookQueue(store, keys, new InstanceIdentity(), NullLogger<WebhookQueue>.Instance);
        Assert.True(await oldSender.HoldLeaseAsync(TimeSpan.FromSeconds(30)));
        var message = new WebhookMessage("evt_1", "participant.joined", "r1", "{}", DateTimeOffset.UtcNow);
        Assert.True(await oldSender.PlaceAsync([(endpoint, message)], new Dictionary<(string, string), long>()));
        var head = (await oldSender.HeadAsync(endpoint, "r1"))!;

        // the old sender's lease runs out while its delivery is in flight, and the new sender takes over
        await store.GetDatabase().KeyDeleteAsync(keys.WebhookLease);
        Assert.True(await newSender.HoldLeaseAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<WebhookLeaseLostException>(() => oldSender.DeliveredAsync(endpoint, "r1", head.Entry));

        // the head is still there for the new sender, whose delivery removes it
        Assert.Equal(head.Entry, (await newSender.HeadAsync(endpoint, "r1"))!.Entry);
        Assert.Equal(1, await newSender.BacklogAsync(endpoint));
        Assert.Null(await newSender.DeliveredAsync(endpoint, "r1", head.Entry));
        Assert.Equal(0, await newSender.BacklogAsync(endpoint));
    }
}
