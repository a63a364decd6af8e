using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallServer.Domain.History;
using CallServer.History;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.History;

/// <summary>
/// Each user's recent calls (docs/API.md §10) from real calls against the real server: every direction and outcome, on
/// PostgreSQL and on the SQLite default, exact through a frozen PostgreSQL and a server killed with SIGKILL mid-call.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RecentCallsTests(RedisServer redis) : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public Task DisposeAsync() => _postgres.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryDirectionAndOutcomeOfRealCallsWithBobOnTwoDevices(bool postgres)
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: await SettingsAsync(postgres)).Start();
        var script = new RecentCallsScript(app.BaseAddress);
        var start = DateTimeOffset.UtcNow;
        await using var phone = await UserDevice.ConnectAsync(app.BaseAddress, JoinTokenMinter.UserToken("bob", "Bob"));
        await using var tablet = await UserDevice.ConnectAsync(app.BaseAddress, JoinTokenMinter.UserToken("bob", "Bob"));

        await script.RunAsync([phone, tablet]);

        var seen = await script.SeenAsync();
        foreach (var user in RecentCallsScript.Users)
        {
            Assert.Equal(script.Expected(user), RecentCallsScript.Summary(seen[user]));
        }

        var bob = seen["bob"];
        var answered = bob.Single(r => r.Direction == "incoming" && r.Outcome == "answered" && r.Peers.Count == 1);
        Assert.Equal([new RecentPeer("ann", "Ann")], answered.Peers);
        Assert.True(answered.AnsweredAt >= answered.StartedAt && answered.EndedAt >= answered.AnsweredAt);
        Assert.Equal(answered.InvitationId, seen["ann"].Single(r => r.CallId == answered.CallId).InvitationId);
        var missed = bob.Single(r => r.Outcome == "missed");
        Assert.Equal((null, 0L), (missed.AnsweredAt, missed.DurationSeconds));
        Assert.True(missed.EndedAt >= missed.StartedAt.AddSeconds(5));
        var joined = seen["cat"].Single(r => r.Direction == "joined");
        Assert.Equal([new RecentPeer("bob", "Bob")], joined.Peers);
        Assert.Null(joined.InvitationId);
        // the group call: Bob's peers are Ann, who rang him, and Cat, who was in the call
        Assert.Equal(["ann", "cat"], bob[0].Peers.Select(p => p.Identity));
        Assert.All(seen.Values.SelectMany(rows => rows), r => Assert.True(r.StartedAt >= start && r.EndedAt >= r.StartedAt, r.CallId));

        using var bobHttp = script.User("bob");
        // the missed calls, and the badge
        Assert.Equal([missed.CallId], (await bobHttp.GetFromJsonAsync<List<RecentCallRecord>>("/users/me/calls?missed=true"))!.Select(r => r.CallId));
        Assert.Equal(1, (await bobHttp.GetFromJsonAsync<MissedCallCount>($"/users/me/calls/missed-count?since={Uri.EscapeDataString(start.ToString("O"))}"))!.Count);
        Assert.Equal(0, (await bobHttp.GetFromJsonAsync<MissedCallCount>($"/users/me/calls/missed-count?since={Uri.EscapeDataString(missed.EndedAt.ToString("O"))}"))!.Count);
        Assert.Equal(0, (await script.User("ann").GetFromJsonAsync<MissedCallCount>("/users/me/calls/missed-count"))!.Count);

        // pages of two, each after the last call of the one before, while a new call ends between two pages: the same calls
        // in the same order, each once
        var paged = new List<RecentCallRecord>();
        string? before = null;
        do
        {
            var page = (await bobHttp.GetFromJsonAsync<List<RecentCallRecord>>("/users/me/calls?limit=2" + (before is null ? "" : $"&before={before}")))!;
            paged.AddRange(page);
            before = page.Count == 2 ? page[^1].CallId : null;
            if (paged.Count == 2)
            {
                var newer = await script.DeclinedAsync();
                await Eventually.TrueAsync(async () => (await bobHttp.GetFromJsonAsync<List<RecentCallRecord>>("/users/me/calls?limit=1"))![0].CallId == newer,
                    "the newer call listed first");
            }
        }
        while (before is not null);
        Assert.Equal(bob.Select(r => r.CallId), paged.Select(r => r.CallId));

        // the admin key reads anyone's; a user token reads only its own, a participant token none
        var asAdmin = (await app.Admin().GetFromJsonAsync<List<RecentCallRecord>>("/users/bob/calls?limit=100"))!;
        var own = (await bobHttp.GetFromJsonAsync<List<RecentCallRecord>>("/users/me/calls?limit=100"))!;
        Assert.Equal(bob.Count + 1, own.Count);
        Assert.Equal(RecentCallsScript.Summary(own), RecentCallsScript.Summary(asAdmin));
        using (var annReadsBob = await script.User("ann").GetAsync("/users/bob/calls"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, annReadsBob.StatusCode);
            Assert.DoesNotContain(missed.CallId, await annReadsBob.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var joinedP = await JoinTokenMinter.JoinAsync(app, "recents-p", JoinTokenMinter.Token("recents-p", "bob"), "Bob");
        using var participant = script.Bearer((await joinedP.Content.ReadFromJsonAsync<CallServer.Api.JoinResponse>())!.Token);
        using var refused = await participant.GetAsync("/users/me/calls");
        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (refused.StatusCode, await refused.ErrorCodeAsync()));
    }

    [Fact]
    public async Task RowsAreExactWhenPostgresIsFrozenForTenSecondsDuringTheCalls()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: await SettingsAsync(postgres: true, KeyValuePair.Create("History:MaxRetryDelaySeconds", (string?)"1"))).Start();
        var script = new RecentCallsScript(app.BaseAddress);
        // frozen (SIGSTOP) while Bob answers: the writer's transaction hangs mid-batch; the calls go on
        script.WhileAnswered = async () =>
        {
            await _postgres.FreezeAsync();
            _ = Task.Delay(TimeSpan.FromSeconds(10)).ContinueWith(_ => _postgres.ThawAsync(), TaskScheduler.Default).Unwrap();
        };

        await script.RunAsync();

        var seen = await script.SeenAsync(TimeSpan.FromSeconds(60));
        foreach (var user in RecentCallsScript.Users)
        {
            Assert.Equal(script.Expected(user), RecentCallsScript.Summary(seen[user]));
        }
    }

    [Fact]
    public async Task RowsAreExactAfterTheServerIsKilledMidCall()
    {
        var settings = new Dictionary<string, string>(RecentCallsScript.Settings)
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Redis:KeyPrefix"] = $"t{Guid.NewGuid():N}:",
            ["Storage:DataDir"] = Directory.CreateTempSubdirectory("callserver-data-").FullName,
            ["History:LeaseSeconds"] = "2",
        };
        var server = await ServerProcess.StartAsync(settings);
        try
        {
            var script = new RecentCallsScript(server.Address);
            // SIGKILL while Ann and Bob are in the call; the rest of the calls go to the restarted server (the embedded SQLite)
            script.WhileAnswered = async () =>
            {
                await server.KillAsync();
                server.Dispose();
                server = await ServerProcess.StartAsync(settings);
                script.Server = server.Address;
            };

            await script.RunAsync();

            var seen = await script.SeenAsync(TimeSpan.FromSeconds(30));
            foreach (var user in RecentCallsScript.Users)
            {
                Assert.Equal(script.Expected(user), RecentCallsScript.Summary(seen[user]));
            }
        }
        finally
        {
            server.Dispose();
        }
    }

    [Fact]
    public async Task AHistoryWrittenBeforeTheRecentCallsGetsTheSameRowsWhenTheServerIsUpgraded()
    {
        var settings = await SettingsAsync(postgres: true);
        string before;
        using (var app = new CallServerApplication(redis.ConnectionString, settings: settings).Start())
        {
            var script = new RecentCallsScript(app.BaseAddress);
            await script.RunAsync();
            before = JsonSerializer.Serialize(await script.SeenAsync());
        }

        // the database as the version before the recent calls left it: no user_calls, migration 3 not applied
        await _postgres.ExecuteAsync(settings["ConnectionStrings:Postgres"]!,
            "DROP TABLE user_calls; DROP INDEX calls_by_end; DELETE FROM schema_migrations WHERE version = 3;");

        using var upgraded = new CallServerApplication(redis.ConnectionString, settings: settings).Start();
        var seen = new Dictionary<string, List<RecentCallRecord>>();
        foreach (var user in RecentCallsScript.Users)
        {
            using var http = new RecentCallsScript(upgraded.BaseAddress).User(user);
            seen[user] = await Eventually.ValueAsync(
                async () => (await http.GetFromJsonAsync<List<RecentCallRecord>>("/users/me/calls?limit=100"))!, rows => rows.Count > 0, $"{user}'s calls after the upgrade");
        }

        Assert.Equal(before, JsonSerializer.Serialize(seen));
    }

    private async Task<Dictionary<string, string?>> SettingsAsync(bool postgres, params KeyValuePair<string, string?>[] more)
    {
        var settings = RecentCallsScript.Settings.ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
        if (postgres)
        {
            settings["ConnectionStrings:Postgres"] = await _postgres.CreateDatabaseAsync();
        }

        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }
}
