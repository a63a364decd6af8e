using System.Net;
using System.Net.Http.Json;
using CallServer.Api;
using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Caching.Distributed;

namespace CallServer.Tests.Rooms;

/// <summary>
/// Checks of membership and grants are made on the room's stored version, not on an instance's memory of it: a participant
/// removed through one instance is refused at once by another that holds its connection (docs/API.md §5).
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class StaleCheckTests(RedisServer redis)
{
    [Fact]
    public async Task AParticipantRemovedThroughOneInstanceIsRefusedAtOnceThroughTheOther()
    {
        using var a = new CallServerApplication(redis.ConnectionString).Start();
        using var b = new CallServerApplication(redis.ConnectionString, keyPrefix: a.KeyPrefix).Start();
        var room = "stale-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await a.JoinAsync(room, "Ann");
        var mallory = await a.JoinAsync(room, "Mallory");
        var eve = await a.JoinAsync(room, "Eve");
        await using var annHub = await a.ConnectAsync(ann);
        await using var malloryHub = await a.ConnectAsync(mallory);
        await using var eveHub = await a.ConnectAsync(eve);
        // instance A's worker holds the room in memory, Mallory in it
        await malloryHub.Connection.InvokeAsync("SendData", "chat", "before", (string[]?)null);
        await Eventually.TrueAsync(() => Task.FromResult(annHub.Data.Count == 1), "Ann got Mallory's message before the removal");

        using var removed = await b.Admin().DeleteAsync($"/rooms/{room}/participants/{mallory.ParticipantId}");
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);

        // at once, through A (whose relay has not closed Mallory's connection yet): her data and her signals are refused
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            try
            {
                await malloryHub.Connection.InvokeAsync("SendData", "chat", "after " + i, (string[]?)null);
                return "accepted";
            }
            catch (HubException ex)
            {
                return ex.Message.Contains("[not_in_room]", StringComparison.Ordinal) ? "not_in_room" : ex.Message;
            }
            catch (Exception)
            {
                // the relay closed her connection meanwhile
                return "closed";
            }
        }));
        var signal = await Record.ExceptionAsync(() => malloryHub.Connection.InvokeAsync("Signal", ann.ParticipantId, "offer", "v=0"));

        Assert.DoesNotContain("accepted", outcomes);
        Assert.Contains("not_in_room", outcomes);
        Assert.All(outcomes, o => Assert.True(o is "not_in_room" or "closed", o));
        Assert.NotNull(signal);
        await malloryHub.Closed.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal(["before"], annHub.Data.Select(d => d.Payload));

        // and a read of the room through the hub by a participant removed through B
        using var eveRemoved = await b.Admin().DeleteAsync($"/rooms/{room}/participants/{eve.ParticipantId}");
        Assert.Equal(HttpStatusCode.OK, eveRemoved.StatusCode);
        var read = await Assert.ThrowsAsync<HubException>(() => eveHub.Connection.InvokeAsync<RoomStatus>("GetStatus"));
        Assert.Contains("[not_in_room]", read.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALeaveRetriedAfterItsCachedAnswerExpiredIsAnsweredWithoutTheRoomsLiveState()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        var room = "retry-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await app.JoinAsync(room, "Ann");
        var bob = await app.JoinAsync(room, "Bob");
        using var annClient = app.WithToken(ann.Token);
        annClient.DefaultRequestHeaders.Add(IdempotentReplies.Header, "leave-" + Guid.NewGuid().ToString("N"));
        var first = await (await annClient.PostAsync($"/rooms/{room}/leave", null)).Content.ReadFromJsonAsync<RoomStatus>();
        Assert.Equal([bob.ParticipantId], first!.Participants.Select(p => p.ParticipantId));

        // the first answer's cache entry expires (24 h); the room still knows the key, and Bob's room moves on
        await app.Service<IDistributedCache>().RemoveAsync($"v2:{room}:leave:{annClient.DefaultRequestHeaders.GetValues(IdempotentReplies.Header).Single()}");
        using var admin = app.Admin();
        (await admin.PatchAsJsonAsync($"/rooms/{room}", new { metadata = "secret agenda" })).EnsureSuccessStatusCode();
        using var retry = await annClient.PostAsync($"/rooms/{room}/leave", null);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var again = (await retry.Content.ReadFromJsonAsync<RoomStatus>())!;
        Assert.Equal((room, first.CallId, first.State), (again.RoomId, again.CallId, again.State));
        Assert.Empty(again.Participants);
        Assert.Null(again.Metadata);
        Assert.Equal("secret agenda", (await app.StatusAsync(room)).Metadata);
    }
}
