using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using CallServer.Backup;
using CallServer.Domain.Rooms;
using CallServer.History;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace CallServer.Tests.History;

/// <summary>The history database frozen, refusing a batch, or down long enough for the queue to reach its cap. Has a PostgreSQL of its own.</summary>
[Collection(RedisCollection.Name)]
public sealed class HistoryFaultTests(RedisServer redis, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public Task DisposeAsync() => _postgres.DisposeAsync();

    [Fact]
    public async Task AFrozenPostgresDoesNotSlowCommandsAndTheHistoryCatchesUpAfterTheThaw()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = await _postgres.CreateDatabaseAsync(),
            ["History:MaxRetryDelaySeconds"] = "1",
        }).Start();
        var room = "pgfrozen-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await app.JoinAsync(room, "Ann");
        await using var annHub = await app.ConnectAsync(ann);
        var before = await TimeSetMediaAsync(annHub, 20);

        await _postgres.FreezeAsync();
        List<TimeSpan> during;
        try
        {
            during = await TimeSetMediaAsync(annHub, 20);
            await annHub.Connection.InvokeAsync("Leave");
        }
        finally
        {
            await _postgres.ThawAsync();
        }

        output.WriteLine($"SetMedia before the freeze: median {Median(before)} ms, max {before.Max().TotalMilliseconds:F0} ms; " +
            $"during: median {Median(during)} ms, max {during.Max().TotalMilliseconds:F0} ms");
        // commands never wait for the history: a frozen database costs them nothing (a generous bound for a noisy machine)
        Assert.All(during, took => Assert.True(took < TimeSpan.FromSeconds(1), $"SetMedia took {took.TotalMilliseconds:F0} ms"));
        var call = await CallHistoryTests.EndedCallAsync(app, ann.Room.CallId!);
        Assert.Equal(Enumerable.Range(1, call.Events.Count).Select(i => (long)i), call.Events.Select(e => e.Seq));
        Assert.Equal(40, call.Events.Count(e => e.Type == RoomEventTypes.MediaChanged));
    }

    [Fact]
    public async Task EventsTheDatabaseRefusesGoToDeadLettersAndTheEventsBehindThemAreStored()
    {
        var database = await _postgres.CreateDatabaseAsync();
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = database,
            ["History:MaxRetryDelaySeconds"] = "1",
            ["History:MaxAttempts"] = "2",
            ["History:LingerMilliseconds"] = "300",
        }).Start();
        var warmUp = await app.JoinAsync("warm-" + Guid.NewGuid().ToString("N")[..8], "Wendy");
        await Eventually.TrueAsync(async () => (await app.Admin().GetAsync($"/calls/{warmUp.Room.CallId}")).IsSuccessStatusCode, "the schema migrated");
        // the database refuses every event of rooms named poison-*: a refusal no retry cures
        await _postgres.ExecuteAsync(database, """
            CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM calls WHERE call_id = NEW.call_id AND room_id LIKE 'poison-%') THEN
                    RAISE EXCEPTION 'this database refuses room %', (SELECT room_id FROM calls WHERE call_id = NEW.call_id);
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_poison BEFORE INSERT ON call_events FOR EACH ROW EXECUTE FUNCTION refuse_poison();
            """);

        var poisoned = await app.JoinAsync("poison-" + Guid.NewGuid().ToString("N")[..8], "Pat");
        var healthy = await app.JoinAsync("healthy-" + Guid.NewGuid().ToString("N")[..8], "Hal");

        var letters = await Eventually.ValueAsync(async () =>
        {
            using var admin = app.Admin();
            return await admin.GetFromJsonAsync<List<DeadLetter>>("/history/dead-letters");
        }, l => l!.Count(d => d.Event.CallId == poisoned.Room.CallId) == 2, "the poisoned call's events in the dead letters", TimeSpan.FromSeconds(30));
        Assert.All(letters!.Where(d => d.Event.CallId == poisoned.Room.CallId), d => Assert.Contains("refuses room poison-", d.Error));
        Assert.Equal([RoomEventTypes.CallStarted, RoomEventTypes.ParticipantJoined], letters!.Where(d => d.Event.CallId == poisoned.Room.CallId).OrderBy(d => d.Event.Seq).Select(d => d.Event.Type));
        // the healthy call behind it is stored, and so is what comes after
        await using (var hal = await app.ConnectAsync(healthy))
        {
            await hal.Connection.InvokeAsync("Leave");
        }

        var call = await CallHistoryTests.EndedCallAsync(app, healthy.Room.CallId!);
        Assert.Equal([RoomEventTypes.CallStarted, RoomEventTypes.ParticipantJoined, RoomEventTypes.ParticipantConnected, RoomEventTypes.ParticipantLeft, RoomEventTypes.CallEnded], call.Events.Select(e => e.Type));
        using var bad = await app.Admin().GetAsync("/history/dead-letters?limit=0");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task OverItsCapTheQueueParksHistoryOnDiskAndNothingIsLost()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = await _postgres.CreateDatabaseAsync(),
            ["History:MaxRetryDelaySeconds"] = "1",
            ["History:MaxQueuedEvents"] = "100",
            ["History:BatchSize"] = "50",
        }).Start();
        var room = "parked-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await app.JoinAsync(room, "Ann");
        await using var annHub = await app.ConnectAsync(ann);
        await Eventually.TrueAsync(async () => (await app.Admin().GetAsync($"/calls/{ann.Room.CallId}")).IsSuccessStatusCode, "the call in the history");

        await _postgres.StopAsync();
        await TimeSetMediaAsync(annHub, 300);
        await annHub.Connection.InvokeAsync("Leave");

        var queue = app.Service<IConnectionMultiplexer>().GetDatabase();
        var keys = app.Service<RedisKeys>();
        using var http = app.CreateClient();
        var health = await Eventually.ValueAsync(
            () => http.GetFromJsonAsync<JsonElement>("/health/ready"),
            h => h.GetProperty("checks").GetProperty("history").GetProperty("description").GetString()!.Contains("parked", StringComparison.Ordinal),
            "history parked in /health/ready");
        output.WriteLine(health.GetProperty("checks").GetProperty("history").GetProperty("description").GetString());
        // 302 events came while the database was down (300 changes, the leave, the end of the call): all but the cap (100 in
        // the queue) and the batch in flight (50) go to disk
        await Eventually.TrueAsync(
            async () => await queue.ListLengthAsync(keys.HistoryQueue) <= 100 && app.Service<HistoryParking>().Events >= 302 - 100 - 50,
            "the queue in Redis under its cap, the rest parked");

        await _postgres.StartAsync();

        var call = await CallHistoryTests.EndedCallAsync(app, ann.Room.CallId!);
        Assert.Equal(Enumerable.Range(1, call.Events.Count).Select(i => (long)i), call.Events.Select(e => e.Seq));
        Assert.Equal(300, call.Events.Count(e => e.Type == RoomEventTypes.MediaChanged));
        await Eventually.TrueAsync(() => Task.FromResult(app.Service<HistoryParking>().Events == 0), "nothing left parked");
        Assert.Empty(Directory.EnumerateFiles(app.Service<HistoryParking>().Directory));
    }

    /// <summary>Changes Ann's media <paramref name="count"/> times (each a real change), timing each call.</summary>
    private static async Task<List<TimeSpan>> TimeSetMediaAsync(HubClient client, int count)
    {
        var took = new List<TimeSpan>();
        var audio = (await client.Connection.InvokeAsync<RoomStatus>("GetStatus")).Participants.Single(p => p.ParticipantId == client.ParticipantId).Audio;
        for (var i = 0; i < count; i++)
        {
            audio = !audio;
            var watch = Stopwatch.StartNew();
            await client.Connection.InvokeAsync<RoomStatus>("SetMedia", audio, true);
            took.Add(watch.Elapsed);
        }

        return took;
    }

    private static string Median(List<TimeSpan> took) =>
        took.Order().ElementAt(took.Count / 2).TotalMilliseconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
}
