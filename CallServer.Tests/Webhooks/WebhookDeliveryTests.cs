using System.Net;
using System.Net.Http.Json;
using CallServer.Tests.History;
using CallServer.Tests.Infrastructure;
using CallServer.Webhooks;
using Microsoft.AspNetCore.SignalR.Client;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace CallServer.Tests.Webhooks;

/// <summary>Webhooks as an app's backend receives them: signed, in order per room, at least once, with stable ids.</summary>
[Collection(RedisCollection.Name)]
public sealed class WebhookDeliveryTests(RedisServer redis)
{
    [Fact]
    public async Task AWholeCallArrivesInOrderWithValidSignatures()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var app = new CallServerApplication(redis.ConnectionString, settings: WebhookReceiver.Settings(allTypes: false, receiver)).Start();
        var room = "hooks-" + Guid.NewGuid().ToString("N")[..8];
        var callId = await OneCallAsync(app, room);

        await receiver.WaitForAsync(w => w.CallId == callId && w.Type == "call.ended", "call.ended at the receiver");
        var call = await CallHistoryTests.EndedCallAsync(app, callId);
        var received = receiver.Accepted.Where(w => w.CallId == callId).ToList();

        Assert.All(receiver.Attempts, a => Assert.True(a.Verified, $"{a.Id} failed verification"));
        Assert.Equal(WebhookContract.Expected(call, allTypes: false), WebhookContract.Seen(received));
        var ended = received[^1];
        Assert.Equal(("empty", room), (ended.Text("reason"), ended.RoomId));
        Assert.True(ended.Data["durationSeconds"]!.GetValue<long>() >= 0);
        var left = received.First(w => w.Type == "participant.left");
        Assert.Equal(("left", "Bob"), (left.Text("reason"), left.Text("displayName")));
        Assert.False(string.IsNullOrEmpty(left.Text("identity")));
        // a signature made with another secret does not verify: the signature is real
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(WebhookReceiver.NewSecret()).Verify(ended.Body, ended.Headers));
    }

    [Fact]
    public async Task TheHistorySaysWhatTheWebhooksSayInOneVocabularyAndEachEndpointCountsItsOwnWebhooksWithoutGaps()
    {
        await using var everything = await WebhookReceiver.StartAsync();
        await using var defaults = await WebhookReceiver.StartAsync();
        var settings = WebhookReceiver.Settings(allTypes: true, everything);
        // a second endpoint with the default filter: no media or metadata changes
        settings["Webhooks:Endpoints:1:Url"] = defaults.Url.ToString();
        settings["Webhooks:Endpoints:1:Secret"] = defaults.Secret;
        using var app = new CallServerApplication(redis.ConnectionString, settings: settings).Start();
        var room = "hooks-vocab-" + Guid.NewGuid().ToString("N")[..8];
        using var joinMuted = await app.CreateClient().PostAsJsonAsync($"/rooms/{room}/join", new { displayName = "Ann", audio = false });
        var ann = (await joinMuted.Content.ReadFromJsonAsync<CallServer.Api.JoinResponse>())!;
        var bob = await app.JoinAsync(room, "Bob");
        await using (var bobHub = await app.ConnectAsync(bob))
        {
            await bobHub.Connection.InvokeAsync("SetMedia", true, false);
            await bobHub.Connection.InvokeAsync("SetMetadata", "hand raised");
            (await app.Admin().PatchAsJsonAsync($"/rooms/{room}", new { metadata = "topic" })).EnsureSuccessStatusCode();
            await bobHub.Connection.InvokeAsync("Leave");
        }

        (await app.WithToken(ann.Token).PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
        var callId = ann.Room.CallId!;
        await everything.WaitForAsync(w => w.CallId == callId && w.Type == "call.ended", "call.ended at the first receiver");
        await defaults.WaitForAsync(w => w.CallId == callId && w.Type == "call.ended", "call.ended at the second receiver");
        await CallHistoryTests.EndedCallAsync(app, callId);
        var received = everything.Deduplicated(callId).ToDictionary(w => w.Id);
        // the history as an app reads it: the JSON of GET /calls/{id}
        var events = (await app.Admin().GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/calls/{callId}"))!["events"]!.AsArray();

        // every history event is its webhook: the same name, and the same details with the same JSON types
        Assert.Contains(events, e => (string?)e!["event"] == "participant.metadata_changed");
        Assert.Contains(events, e => (string?)e!["event"] == "room.metadata_changed");
        foreach (var e in events.Select(e => e!.AsObject()))
        {
            var webhook = received[$"evt_{callId}_{(long)e["seq"]!}"];
            Assert.Equal((string?)e["event"], webhook.Type);
            foreach (var detail in e["details"]!.AsObject())
            {
                Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(detail.Value, webhook.Data[detail.Key]),
                    $"{webhook.Type} {detail.Key}: history {detail.Value?.ToJsonString()}, webhook {webhook.Data[detail.Key]?.ToJsonString()}");
            }
        }

        var annJoined = events.Single(e => (string?)e!["event"] == "participant.joined" && (string?)e["participantId"] == ann.ParticipantId)!;
        Assert.False((bool)annJoined["details"]!["audio"]!);
        // each endpoint numbers what it receives from 1 without gaps, while the room's seq has gaps where a filter drops events
        foreach (var receiver in new[] { everything, defaults })
        {
            var numbers = receiver.Deduplicated(callId).Select(w => w.Data["endpointSeq"]!.GetValue<long>()).ToList();
            Assert.Equal(Enumerable.Range(1, numbers.Count).Select(n => (long)n), numbers);
        }

        Assert.True(defaults.Deduplicated(callId).Count < received.Count, "the default filter drops the media and metadata changes");
    }

    [Fact]
    public async Task AReceiverThatAnswers500ForAWhileGetsEverythingInOrderAndOnlySameIdDuplicates()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var failures = 0;
        receiver.Respond = _ => Task.FromResult(Interlocked.Increment(ref failures) <= 6 ? 500 : 200);
        using var app = new CallServerApplication(redis.ConnectionString, settings: WebhookReceiver.Settings(allTypes: true, receiver)).Start();
        var room = "hooks-500-" + Guid.NewGuid().ToString("N")[..8];

        var callId = await OneCallAsync(app, room);

        await receiver.WaitForAsync(w => w.CallId == callId && w.Type == "call.ended", "call.ended after the receiver recovered");
        var call = await CallHistoryTests.EndedCallAsync(app, callId);
        Assert.Equal(WebhookContract.Expected(call, allTypes: true), WebhookContract.Seen(receiver.Deduplicated(callId)));
        // every event was accepted once; the failed attempts were retries of the same ids, in order
        Assert.Equal(receiver.Accepted.Count, receiver.Accepted.Select(a => a.Id).Distinct().Count());
        var attempted = receiver.Attempts.Select(a => a.Id).ToList();
        Assert.Equal(attempted.Distinct(), WebhookContract.Expected(call, allTypes: true).Select(e => e.Id));
        Assert.True(receiver.Attempts.Count(a => a.Status == 500) >= 6);
        using var admin = app.Admin();
        var attempts = await admin.GetFromJsonAsync<List<WebhookAttempt>>("/webhooks/deliveries?limit=1000");
        Assert.Contains(attempts!, a => a.Status == 500 && a.Error!.Contains("500", StringComparison.Ordinal));
        Assert.Contains(attempts!, a => a.Status == 200 && a.Error is null);
    }

    [Fact]
    public async Task TheReadinessEntryOfAFailingReceiverNamesItByIndexNeverByItsUrl()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = _ => Task.FromResult(500);
        var settings = WebhookReceiver.Settings(allTypes: false, receiver);
        // a receiver URL that carries a credential, as some do
        settings["Webhooks:Endpoints:0:Url"] = receiver.Url + "?token=s3cret-in-the-url";
        using var app = new CallServerApplication(redis.ConnectionString, settings: settings).Start();
        await app.JoinAsync("hooks-health-" + Guid.NewGuid().ToString("N")[..8], "Ann");

        var entry = await Eventually.ValueAsync(async () =>
        {
            using var response = await app.CreateClient().GetAsync("/health/ready");
            return System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["checks"]!["webhooks"]!;
        }, e => (string?)e["status"] == "Degraded", "the webhooks entry degraded");

        var description = (string)entry["description"]!;
        Assert.StartsWith("Webhooks:Endpoints:0 failed", description, StringComparison.Ordinal);
        Assert.Contains("HTTP 500", description, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", description, StringComparison.Ordinal);
        Assert.DoesNotContain(receiver.Url.Authority, description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQueuedEntryThatDoesNotReadIsSetAsideAndTheCallsBehindItAreDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var app = new CallServerApplication(redis.ConnectionString, settings: WebhookReceiver.Settings(allTypes: false, receiver)).Start();
        // what another version, or a damaged store, might have queued
        await using (var store = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            await store.GetDatabase().ListLeftPushAsync(app.KeyPrefix + "webhooks:queue", "{ not a room event");
        }

        var callId = await OneCallAsync(app, "hooks-garbage-" + Guid.NewGuid().ToString("N")[..8]);

        await receiver.WaitForAsync(w => w.CallId == callId && w.Type == "call.ended", "call.ended behind the unreadable entry");
    }

    [Fact]
    public async Task ASlowRoomDoesNotDelayOtherRooms()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var slowRoom = "hooks-slow-" + Guid.NewGuid().ToString("N")[..8];
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Respond = w =>
        {
            if (w.RoomId != slowRoom)
            {
                return Task.FromResult(200);
            }

            slowStarted.TrySetResult();
            return release.Task;
        };
        using var app = new CallServerApplication(redis.ConnectionString, settings: WebhookReceiver.Settings(allTypes: false, receiver)).Start();

        var slowCall = (await app.JoinAsync(slowRoom, "Ann")).Room.CallId!;
        await slowStarted.Task.WaitAsync(Eventually.DefaultTimeout);
        var fastCall = await OneCallAsync(app, "hooks-fast-" + Guid.NewGuid().ToString("N")[..8]);

        // the other room's whole call is delivered while the slow room's first webhook still hangs
        await receiver.WaitForAsync(w => w.CallId == fastCall && w.Type == "call.ended", "the other room's call.ended");
        Assert.DoesNotContain(receiver.Accepted, w => w.CallId == slowCall);
        release.SetResult(200);
        await receiver.WaitForAsync(w => w.CallId == slowCall && w.Type == "participant.joined", "the slow room, in its turn");
        Assert.Equal(["call.started", "participant.joined"], receiver.Deduplicated(slowCall).Select(w => w.Type));
    }

    [Fact]
    public async Task AfterTheRetryWindowEventsBecomeDeadLettersAndRedeliveryWorks()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var healthy = false;
        receiver.Respond = _ => Task.FromResult(Volatile.Read(ref healthy) ? 200 : 500);
        var logs = new CapturedLogs();
        var settings = WebhookReceiver.Settings(allTypes: false, receiver);
        settings["Webhooks:MaxRetryHours"] = "0.0003"; // about a second
        using var app = new CallServerApplication(redis.ConnectionString, settings: settings, logs: logs).Start();
        var room = "hooks-dead-" + Guid.NewGuid().ToString("N")[..8];
        var callId = (await app.JoinAsync(room, "Ann")).Room.CallId!;
        using var admin = app.Admin();

        var dead = await Eventually.ValueAsync(
            async () => await admin.GetFromJsonAsync<List<WebhookDeadLetter>>("/webhooks/failed"),
            d => d!.Count(l => l.Message.RoomId == room) == 2, "both webhooks of the call as dead letters");
        Assert.Contains(logs.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Error && l.Message.Contains("dead letter", StringComparison.Ordinal));
        // a receiver that keeps failing shows in readiness, as Degraded (the server itself is fine)
        var health = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/health/ready");
        Assert.Equal("Degraded", health.GetProperty("checks").GetProperty("webhooks").GetProperty("status").GetString());
        Volatile.Write(ref healthy, true);
        foreach (var letter in dead!.Where(l => l.RoomId == room).OrderBy(l => l.Id, StringComparer.Ordinal))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/webhooks/failed/{letter.Id}/retry", null)).StatusCode);
        }

        await receiver.WaitForAsync(w => w.CallId == callId && w.Type == "participant.joined", "the redelivered participant.joined");
        await receiver.WaitForAsync(w => w.CallId == callId && w.Type == "call.started", "the redelivered call.started");
        Assert.DoesNotContain((await admin.GetFromJsonAsync<List<WebhookDeadLetter>>("/webhooks/failed"))!, l => l.RoomId == room);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/webhooks/failed/evt_nothing_1/retry", null)).StatusCode);
    }

    [Fact]
    public async Task TwoInstancesServingOneRoomKeepItsOrder()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = WebhookReceiver.Settings(allTypes: true, receiver);
        using var first = new CallServerApplication(redis.ConnectionString, settings: settings).Start();
        using var second = new CallServerApplication(redis.ConnectionString, keyPrefix: first.KeyPrefix, settings: settings).Start();
        var room = "hooks-two-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await first.JoinAsync(room, "Ann");
        var bob = await second.JoinAsync(room, "Bob");
        await using var annHub = await first.ConnectAsync(ann);
        await using var bobHub = await second.ConnectAsync(bob);

        for (var i = 0; i < 10; i++)
        {
            await annHub.Connection.InvokeAsync("SetMedia", i % 2 == 0, true);
            await bobHub.Connection.InvokeAsync("SetMedia", true, i % 2 == 0);
        }

        await bobHub.Connection.InvokeAsync("Leave");
        await annHub.Connection.InvokeAsync("Leave");

        var callId = ann.Room.CallId!;
        await receiver.WaitForAsync(w => w.CallId == callId && w.Type == "call.ended", "call.ended");
        var call = await CallHistoryTests.EndedCallAsync(first, callId);
        Assert.Equal(WebhookContract.Expected(call, allTypes: true), WebhookContract.Seen(receiver.Deduplicated(callId)));
        Assert.Equal(receiver.Accepted.Count, receiver.Accepted.Select(a => a.Id).Distinct().Count());
    }

    [Fact]
    public async Task AKilledSenderIsRestartedAndDeliversTheNextCall()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var app = new CallServerApplication(redis.ConnectionString, settings: WebhookReceiver.Settings(allTypes: false, receiver)).Start();
        var firstCall = await OneCallAsync(app, "hooks-kill1-" + Guid.NewGuid().ToString("N")[..8]);
        await receiver.WaitForAsync(w => w.CallId == firstCall && w.Type == "call.ended", "the first call");
        var supervisor = app.Service<CallServer.Domain.Supervision.ServiceSupervisor>();
        var before = supervisor.StatusOf("webhook-sender")!.Restarts;

        Assert.True(supervisor.Kill("webhook-sender"));
        await Eventually.TrueAsync(() => Task.FromResult(supervisor.StatusOf("webhook-sender") is { Running: true } s && s.Restarts == before + 1), "the sender restarted");
        var nextCall = await OneCallAsync(app, "hooks-kill2-" + Guid.NewGuid().ToString("N")[..8]);

        await receiver.WaitForAsync(w => w.CallId == nextCall && w.Type == "call.ended", "the next call, from the restarted sender");
        var call = await CallHistoryTests.EndedCallAsync(app, nextCall);
        Assert.Equal(WebhookContract.Expected(call, allTypes: false), WebhookContract.Seen(receiver.Deduplicated(nextCall)));
    }

    /// <summary>Ann and Bob join, connect, Bob turns his camera off, Bob leaves, Ann leaves: the call ends. Returns its id.</summary>
    internal static async Task<string> OneCallAsync(CallServerApplication app, string room)
    {
        var ann = await app.JoinAsync(room, "Ann");
        var bob = await app.JoinAsync(room, "Bob");
        await using var annHub = await app.ConnectAsync(ann);
        await using var bobHub = await app.ConnectAsync(bob);
        await bobHub.Connection.InvokeAsync("SetMedia", true, false);
        await bobHub.Connection.InvokeAsync("Leave");
        await annHub.Connection.InvokeAsync("Leave");
        return ann.Room.CallId!;
    }
}
