using System.Net;
using System.Net.Http.Json;
using CallServer.Api;
using CallServer.Domain.Rooms;
using CallServer.Hubs;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Api;

[Collection(RedisCollection.Name)]
public sealed class AdminApiTests(RedisServer redis) : IDisposable
{
    private readonly CallServerApplication _app = new CallServerApplication(redis.ConnectionString).Start();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task AdminListsLiveRoomsAndEndsACallForEveryone()
    {
        var room = "admin-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        var bob = await _app.JoinAsync(room, "Bob");
        await using var annHub = await _app.ConnectAsync(ann);
        await using var bobHub = await _app.ConnectAsync(bob);
        using var admin = _app.Admin();

        var rooms = await admin.GetFromJsonAsync<List<RoomSummary>>("/rooms");
        var listed = Assert.Single(rooms!, r => r.RoomId == room);
        Assert.Equal((2, "active", ann.Room.CallId), (listed.ParticipantCount, listed.State, listed.CallId));

        using var ended = await admin.DeleteAsync($"/rooms/{room}");

        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        var status = (await ended.Content.ReadFromJsonAsync<RoomStatus>())!;
        Assert.Equal("ended", status.State);
        Assert.Empty(status.Participants);
        foreach (var hub in new[] { annHub, bobHub })
        {
            var message = await hub.WaitForEndedAsync();
            Assert.Equal("ended", message.Reason);
            await hub.WaitForStatusAsync(s => s.State == "ended", "ended status");
            await hub.Closed.WaitAsync(Eventually.DefaultTimeout);
            Assert.Equal([new ClosingMessage("ended", false)], hub.Closings);
        }

        Assert.DoesNotContain((await admin.GetFromJsonAsync<List<RoomSummary>>("/rooms"))!, r => r.RoomId == room);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/rooms/{room}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/rooms/{room}")).StatusCode);
    }

    [Fact]
    public async Task HealthEndpointsAnswer()
    {
        using var client = _app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task TheCrashEndpointExistsOnlyWithFaultInjection()
    {
        using var admin = _app.Admin();
        using var chaos = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Rooms:EnableFaultInjection"] = "true",
        });
        chaos.Environment = "Staging";
        chaos.Start();
        var room = "crash-" + Guid.NewGuid().ToString("N")[..8];
        await chaos.JoinAsync(room, "Ann");

        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/rooms/{room}/crash", null)).StatusCode);
        using var crashed = await chaos.Admin().PostAsync($"/rooms/{room}/crash", null);
        Assert.Equal((HttpStatusCode.InternalServerError, "room_restarted"), (crashed.StatusCode, await crashed.ErrorCodeAsync()));
    }

    [Fact]
    public void FaultInjectionInProductionStopsTheStartWithAClearMessage()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?> { ["Rooms:EnableFaultInjection"] = "true" });

        var error = Assert.ThrowsAny<Exception>(() => app.Start());

        Assert.Contains("Rooms:EnableFaultInjection must not be true in the Production environment", error.ToString());
    }
}
