using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.History;

/// <summary>Has a PostgreSQL of its own, since it stops it in the middle of a call.</summary>
[Collection(RedisCollection.Name)]
public sealed class HistoryOutageTests(RedisServer redis) : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public Task DisposeAsync() => _postgres.DisposeAsync();

    [Fact]
    public async Task PostgresDownInTheMiddleOfACallLosesAndDuplicatesNothing()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = await _postgres.CreateDatabaseAsync(),
            ["History:MaxRetryDelaySeconds"] = "1",
        }).Start();
        var room = "pgdown-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await app.JoinAsync(room, "Ann");
        var bob = await app.JoinAsync(room, "Bob");
        await using var annHub = await app.ConnectAsync(ann);
        // the first events are stored before the outage
        await Eventually.TrueAsync(async () => (await app.Admin().GetAsync($"/calls/{ann.Room.CallId}")).IsSuccessStatusCode, "the call in the history");

        await _postgres.StopAsync();

        // the call goes on: commands never wait for the history
        for (var i = 0; i < 5; i++)
        {
            await annHub.Connection.InvokeAsync<RoomStatus>("SetMedia", i % 2 != 0, true);
        }

        using (var client = app.WithToken(bob.Token))
        {
            (await client.PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
        }

        await annHub.Connection.InvokeAsync("Leave");
        using var http = app.CreateClient();
        await Eventually.TrueAsync(async () =>
        {
            var health = await http.GetFromJsonAsync<JsonElement>("/health/ready");
            return health.GetProperty("checks").GetProperty("history").GetProperty("status").GetString() == "Degraded";
        }, "history degraded in /health/ready");
        using (var history = await app.Admin().GetAsync($"/calls/{ann.Room.CallId}"))
        {
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "unavailable"), (history.StatusCode, await history.ErrorCodeAsync()));
        }

        await _postgres.StartAsync();

        var call = await CallHistoryTests.EndedCallAsync(app, ann.Room.CallId!);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), call.Events.Select(e => e.Seq));
        Assert.Equal(5, call.Events.Count(e => e.Type == "media_changed"));
        Assert.Equal(["left", "left"], call.Participants.Select(p => p.LeaveReason));
        Assert.Equal("empty", call.EndReason);
    }
}
