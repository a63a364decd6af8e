using CallServer.Domain.Rooms;
using CallServer.Domain.Tests.Fakes;
using CallServer.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CallServer.Domain.Tests.Webhooks;

/// <summary>
/// The middle tier of the webhook sender: its lane scheduler (order, retries and their backoff, dead letters, each endpoint's
/// share of the deliveries) against the lanes in memory, scripted receivers and a fake clock, no Redis and no HTTP.
/// </summary>
public sealed class WebhookSenderTests : IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(T0);
    private readonly InMemoryWebhookLanes _lanes = new();
    private readonly ScriptedReceiver _receiver;
    private readonly TestMeters _meters = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    public WebhookSenderTests() => _receiver = new ScriptedReceiver(_time);

    [Fact]
    public async Task ARoomsWebhooksGoInOrderAndAHeadLeavesItsLaneOnlyOnceItsReceiverAnswered2xx()
    {
        var endpoints = Start(new WebhooksOptions { MinBackoffMilliseconds = 1_000 }, "a");
        var failedOnce = false;
        _receiver.Answer = (_, m) => m.Id.EndsWith("_1", StringComparison.Ordinal) && !Interlocked.Exchange(ref failedOnce, true) ? 500 : 200;

        _lanes.Enqueue(Joined("r1", 1), Joined("r1", 2), Joined("r1", 3));

        // the first attempt failed: the webhook is still at its lane's head, and nothing behind it went
        await EventuallyAsync(() => _receiver.Attempts.Count == 1 && _lanes.Lane(endpoints[0], "r1").Count == 3);
        Assert.Equal(["evt_c-r1_1", "evt_c-r1_2", "evt_c-r1_3"], _lanes.Lane(endpoints[0], "r1"));

        // its retry falls due on the clock (1 s ± 20%), not before
        _time.Advance(TimeSpan.FromMilliseconds(700));
        Assert.Single(_receiver.Attempts);
        _time.Advance(TimeSpan.FromMilliseconds(600));

        await EventuallyAsync(() => _lanes.Lane(endpoints[0], "r1").Count == 0);
        Assert.Equal([("evt_c-r1_1", 500), ("evt_c-r1_1", 200), ("evt_c-r1_2", 200), ("evt_c-r1_3", 200)],
            _receiver.Attempts.Select(a => (a.Id, a.Status!.Value)));
    }

    [Fact]
    public async Task AHeadThatKeepsFailingBecomesADeadLetterAfterItsWindowWithBackoffDoublingAndTheRoomGoesOn()
    {
        // a 36-second window, retries from 1 s doubling up to 8 s
        var endpoints = Start(new WebhooksOptions { MaxRetryHours = 0.01, MinBackoffMilliseconds = 1_000, MaxBackoffSeconds = 8 }, "a");
        _receiver.Answer = (_, m) => m.Id.EndsWith("_1", StringComparison.Ordinal) ? 503 : 200;

        _lanes.Enqueue(Joined("r1", 1, T0), Joined("r1", 2, T0));

        while (true)
        {
            // after each failure, the clock goes straight to the retry the sender set (nothing is attempted before it)
            WebhookRetry? retry = null;
            await EventuallyAsync(() => _lanes.Dead.Count > 0
                || (_lanes.Retry(endpoints[0], "r1") is { } r && r.Attempts == _receiver.Attempts.Count(a => a.Status == 503) && (retry = r) is not null));
            if (retry is null)
            {
                break;
            }

            _time.Advance(retry.NextAttemptAt - _time.GetUtcNow());
            await EventuallyAsync(() => _lanes.Dead.Count > 0 || _receiver.Attempts.Count(a => a.Status == 503) > retry.Attempts);
        }

        var dead = Assert.Single(_lanes.Dead);
        Assert.Equal(("evt_c-r1_1", "r1"), (dead.Id, dead.RoomId));
        var failures = _receiver.Attempts.Where(a => a.Id == dead.Id).ToList();
        Assert.Equal(dead.Attempts, failures.Count);
        // the window runs from the first failure: the last attempt is the first at or after 36 s
        Assert.InRange(failures[^1].At - T0, TimeSpan.FromSeconds(36), TimeSpan.FromSeconds(36 + 9.6));
        // the gaps double from 1 s (±20%) and stop growing at 8 s
        var gaps = failures.Zip(failures.Skip(1), (a, b) => (b.At - a.At).TotalSeconds).ToList();
        Assert.Equal([(0.8, 1.2), (1.6, 2.4), (3.2, 4.8)], gaps.Take(3).Select((g, i) => Math.Clamp(g, 0.8 * (1 << i), 1.2 * (1 << i)) == g ? (0.8 * (1 << i), 1.2 * (1 << i)) : (g, g)));
        Assert.All(gaps.Skip(3), g => Assert.InRange(g, 6.4, 9.6));

        // the room goes on with the webhook behind it
        await EventuallyAsync(() => _receiver.Attempts.Any(a => a.Id == "evt_c-r1_2" && a.Status == 200));
        Assert.Empty(_lanes.Lane(endpoints[0], "r1"));
    }

    [Fact]
    public async Task AnEndpointThatHangsTakesOnlyItsShareOfTheDeliveriesAndTheOtherEndpointGetsEveryRoomsWebhooks()
    {
        // two deliveries at once for two endpoints: one each, whatever the hanging one has waiting
        var endpoints = Start(new WebhooksOptions { MaxConcurrentDeliveries = 2 }, "slow", "ok");
        // each delivery to the other endpoint notes how many deliveries the hanging one holds at that moment
        var heldBySlow = new System.Collections.Concurrent.ConcurrentBag<int>();
        _receiver.Answer = (endpoint, _) =>
        {
            if (endpoint == endpoints[0])
            {
                return null;
            }

            heldBySlow.Add(_receiver.Attempts.Count(a => a.Endpoint == endpoints[0]));
            return 200;
        };

        var rooms = Enumerable.Range(0, 12).Select(i => $"r{i}").ToList();
        _lanes.Enqueue([.. rooms.Select(r => Joined(r, 1))]);

        await EventuallyAsync(() => _receiver.Attempts.Count(a => a.Endpoint == endpoints[1] && a.Status == 200) == rooms.Count);
        Assert.Equal(rooms.Order(), _receiver.Attempts.Where(a => a.Endpoint == endpoints[1]).Select(a => a.RoomId).Order());
        // while the other endpoint had webhooks, the hanging one never held more than its share; every room still waits for it
        Assert.All(heldBySlow, held => Assert.InRange(held, 0, 1));
        Assert.All(rooms, r => Assert.Single(_lanes.Lane(endpoints[0], r)));
    }

    [Fact]
    public async Task AWakeUpReadsOnlyTheWebhooksItPlacesNotEveryWaitingRoom()
    {
        var endpoints = Start(new WebhooksOptions(), "a");
        // 30 rooms each get a webhook, one status publication after another
        for (var i = 0; i < 30; i++)
        {
            _lanes.Enqueue(Joined($"r{i}", 1));
            var room = $"r{i}";
            await EventuallyAsync(() => _receiver.Attempts.Any(a => a.RoomId == room && a.Status == 200));
        }

        // every one delivered, and the list of waiting rooms read once, when the sender took the lease
        await EventuallyAsync(() => Enumerable.Range(0, 30).All(i => _lanes.Lane(endpoints[0], $"r{i}").Count == 0));
        Assert.Equal(1, _lanes.RoomReads);
    }

    [Fact]
    public async Task BeyondMaxQueuedEventsTheOldestWebhooksBecomeDeadLettersAndTheBacklogStaysBounded()
    {
        var endpoints = Start(new WebhooksOptions { MaxQueuedEvents = 10, MinBackoffMilliseconds = 60_000 }, "a");
        _receiver.Answer = (_, _) => 500;

        // 25 webhooks over 5 rooms for a receiver that fails: the 15 oldest go, whichever room they are in
        _lanes.Enqueue([.. Enumerable.Range(1, 25).Select(i => Joined($"r{i % 5}", i, T0 + TimeSpan.FromSeconds(i)))]);

        await EventuallyAsync(() => _lanes.Dead.Count == 15);
        Assert.Equal(Enumerable.Range(1, 15).Select(i => $"evt_c-r{i % 5}_{i}").Order(), _lanes.Dead.Select(d => d.Id).Order());
        Assert.All(_lanes.Dead, d => Assert.Contains("Webhooks:MaxQueuedEvents (10)", d.Error, StringComparison.Ordinal));
        Assert.Equal(10, Enumerable.Range(0, 5).Sum(r => _lanes.Lane(endpoints[0], $"r{r}").Count));
        Assert.Equal(Enumerable.Range(16, 10).Select(i => $"evt_c-r{i % 5}_{i}").Order(),
            Enumerable.Range(0, 5).SelectMany(r => _lanes.Lane(endpoints[0], $"r{r}")).Order());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _run);
        _stop.Dispose();
        _meters.Dispose();
    }

    private static RoomEvent Joined(string roomId, long seq, DateTimeOffset at = default) =>
        new($"c-{roomId}", roomId, seq, RoomEventTypes.ParticipantJoined, $"p-{seq}", at == default ? T0 : at,
            new ParticipantJoined($"P{seq}").Data, $"p-{seq}", $"P{seq}");

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the sender did not get there in time");
            await Task.Delay(5);
        }
    }

    /// <summary>Starts a sender for endpoints named <paramref name="names"/>; returns them in that order.</summary>
    private IReadOnlyList<WebhookEndpoint> Start(WebhooksOptions options, params string[] names)
    {
        options.Endpoints = [.. names.Select(n => new WebhookEndpointOptions
        {
            Url = $"http://127.0.0.1:9/{n}",
            Secret = WebhookEndpointOptions.SecretPrefix + Convert.ToBase64String(new byte[32]),
        })];
        var endpoints = new WebhookEndpoints(Microsoft.Extensions.Options.Options.Create(options));
        var sender = new WebhookSender(
            _lanes, endpoints, _receiver, new WebhookHealth(), new CallServer.Telemetry.ServerMetrics(new Telemetry.RoomTelemetry(_meters), new MeshOnlyMedia()),
            Microsoft.Extensions.Options.Options.Create(options), _time, NullLogger<WebhookSender>.Instance);
        _run = Task.Run(() => sender.RunAsync(_stop.Token));
        return endpoints.All;
    }
}
