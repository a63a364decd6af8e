using System.Net;
using CallServer.Domain.Rooms;
using CallServer.Hubs;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Rooms;

/// <summary>
/// A connection's close always reaches its room (docs/API.md §5): sockets closing while the room's mailbox is full of reads
/// (a Redis of its own frozen by SIGSTOP, so that the worker hangs on a read while the rest queue up) leave no ghost.
/// </summary>
public sealed class LostDisconnectTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();

    public Task InitializeAsync() => _redis.InitializeAsync();

    public Task DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public async Task SocketsClosingWhileTheRoomsMailboxIsFullOfReadsLeaveNoParticipantConnected()
    {
        using var app = new CallServerApplication(_redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Rooms:MailboxCapacity"] = "16",
            ["Rooms:ReconnectGraceSeconds"] = "300",
            // the first read hangs on the frozen store for the whole wait below (the thaw ends it): a loaded machine that is
            // slow to send the burst still fills the mailbox behind it
            ["Redis:TimeoutMs"] = "20000",
            ["Limits:ReadsPerMinute"] = "0",
        }).Start();
        var room = "ghost-" + Guid.NewGuid().ToString("N")[..8];
        var joined = new List<CallServer.Api.JoinResponse>();
        foreach (var name in new[] { "Ann", "Bob", "Cat", "Dan" })
        {
            joined.Add(await app.JoinAsync(room, name));
        }

        var hubs = new List<HubClient>();
        foreach (var j in joined)
        {
            hubs.Add(await app.ConnectAsync(j));
        }

        var rooms = app.Service<RoomSupervisor>();
        var connections = app.Service<RoomConnections>();
        using var admin = app.Admin();
        await _redis.FreezeAsync();
        Task<HttpStatusCode[]> reads;
        try
        {
            // a burst of reads: the first hangs on the frozen store, 16 fill the mailbox, the rest are refused as busy
            reads = Task.WhenAll(Enumerable.Range(0, 60).Select(async _ =>
            {
                using var response = await admin.GetAsync($"/rooms/{room}");
                return response.StatusCode;
            }));
            await Eventually.TrueAsync(() => Task.FromResult(rooms.QueuedCommands >= 16), "the room's mailbox full");

            // meanwhile three of the four members' sockets close: their disconnects reach a full mailbox
            foreach (var hub in hubs.Skip(1))
            {
                await hub.DisposeAsync();
            }

            await Eventually.TrueAsync(() => Task.FromResult(connections.Count == 1), "the server noticed the three closes");
        }
        finally
        {
            await _redis.ThawAsync();
        }

        Assert.Contains(HttpStatusCode.ServiceUnavailable, await reads);

        // no ghost: the three are reconnecting (their grace running), Ann, still connected, stays so
        var status = await Eventually.ValueAsync(
            () => app.StatusAsync(room),
            s => s.Participants.Count(p => p.Presence == "reconnecting") == 3,
            "the three closed participants reconnecting");
        Assert.Equal("connected", status.Participants.Single(p => p.ParticipantId == joined[0].ParticipantId).Presence);
        await hubs[0].DisposeAsync();
    }
}
