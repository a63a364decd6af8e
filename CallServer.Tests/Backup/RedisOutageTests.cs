using System.Net;
using System.Net.Http.Json;
using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.Backup;

/// <summary>Has a redis-server of its own, since it stops it.</summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private CallServerApplication _app = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _app = new CallServerApplication(_redis.ConnectionString).Start();
    }

    public Task DisposeAsync() => _app.DisposeBeforeAsync(_redis.DisposeAsync);

    [Fact]
    public async Task CommandsFailWith503WhileRedisIsDownAndNothingAcknowledgedIsLost()
    {
        var room = "outage-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        var bob = await _app.JoinAsync(room, "Bob");
        await using var annHub = await _app.ConnectAsync(ann);
        var acknowledged = await annHub.Connection.InvokeAsync<RoomStatus>("SetMedia", false, true);

        await _redis.StopAsync();

        using var client = _app.CreateClient();
        using var join = await client.PostAsJsonAsync($"/rooms/{room}/join", new { displayName = "Cid" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, join.StatusCode);
        Assert.Equal("store_unavailable", await join.ErrorCodeAsync());
        Assert.Equal("application/problem+json", join.Content.Headers.ContentType?.MediaType);
        var media = await Assert.ThrowsAsync<HubException>(() => annHub.Connection.InvokeAsync<RoomStatus>("SetMedia", true, true));
        Assert.Contains("unavailable", media.Message);
        Assert.Contains("HubException: [store_unavailable] ", media.Message, StringComparison.Ordinal);
        using (var admin = _app.Admin())
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await admin.GetAsync($"/rooms/{room}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);

        await _redis.StartAsync();

        var cid = await Eventually.ValueAsync(async () =>
        {
            using var response = await client.PostAsJsonAsync($"/rooms/{room}/join", new { displayName = "Cid" });
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<CallServer.Api.JoinResponse>() : null;
        }, r => r is not null, "a join once Redis is back", TimeSpan.FromSeconds(30));
        Assert.Equal(acknowledged.Version + 1, cid!.Room.Version);
        Assert.Equal(new[] { ann.ParticipantId, bob.ParticipantId, cid.ParticipantId }, cid.Room.Participants.Select(p => p.ParticipantId));
        Assert.False(cid.Room.Participants[0].Audio);
        var after = await annHub.Connection.InvokeAsync<RoomStatus>("SetMedia", true, true);
        Assert.True(after.Participants[0].Audio);
    }
}
