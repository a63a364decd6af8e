using System.Collections.Concurrent;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CallServer.Tests.Fanout;

/// <summary>A client on the MessagePack hub protocol gets the same fields, under the same names, as a JSON client beside it.</summary>
[Collection(RedisCollection.Name)]
public sealed class MessagePackProtocolTests(RedisServer redis)
{
    [Fact]
    public async Task AMessagePackClientCallsTheHubAndReceivesStatusesAndSignalsWithTheJsonNames()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        var room = "msgpack-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await app.JoinAsync(room, "Ann");
        await using var annHub = await app.ConnectAsync(ann);
        // a name the room's JSON escapes (non-ASCII): MessagePack carries it unescaped
        var bob = await app.JoinAsync(room, "Bob Zoë");
        var received = new ConcurrentQueue<(string Event, Dictionary<string, object> Message)>();
        var arrived = new SemaphoreSlim(0);
        await using var bobHub = RoomHubConnection.Builder(app.BaseAddress, bob.Token).AddMessagePackProtocol().Build();
        foreach (var name in new[] { "status", "signal" })
        {
            bobHub.On<Dictionary<string, object>>(name, message =>
            {
                received.Enqueue((name, message));
                arrived.Release();
            });
        }

        await bobHub.StartAsync();
        await annHub.WaitForStatusAsync(
            s => s.Participants.Any(p => p.ParticipantId == bob.ParticipantId && p.Presence == "connected"), "Bob connected over MessagePack");

        // a call's answer: the room's status as a map, camelCase as in JSON
        var changed = await bobHub.InvokeAsync<Dictionary<string, object>>("SetMedia", false, true);
        Assert.Equal(room, changed["roomId"]);
        var version = Convert.ToInt64(changed["version"], System.Globalization.CultureInfo.InvariantCulture);
        var seenByAnn = await annHub.WaitForStatusAsync(s => s.Version == version, "Bob's change, over JSON");
        Assert.False(seenByAnn.Participants.Single(p => p.ParticipantId == bob.ParticipantId).Audio);

        // the same change as a pushed status, and a signal from Ann
        await annHub.Connection.InvokeAsync("Signal", bob.ParticipantId, "offer", "v=0 sdp");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        Dictionary<string, object>? status = null, signal = null;
        while ((status is null || signal is null) && await arrived.WaitAsync(deadline - DateTime.UtcNow))
        {
            foreach (var (name, message) in received)
            {
                if (name == "status" && Convert.ToInt64(message["version"], System.Globalization.CultureInfo.InvariantCulture) == version)
                {
                    status = message;
                }
                else if (name == "signal")
                {
                    signal = message;
                }
            }
        }

        Assert.NotNull(status);
        var participants = Assert.IsAssignableFrom<object[]>(status["participants"]);
        var bobEntry = participants.Cast<Dictionary<object, object>>().Single(p => (string)p["participantId"] == bob.ParticipantId);
        Assert.Equal(false, bobEntry["audio"]);
        Assert.Equal(true, bobEntry["video"]);
        Assert.Equal("Bob Zoë", bobEntry["displayName"]);
        Assert.True(DateTimeOffset.TryParse((string)status["updatedAt"], System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.NotNull(signal);
        Assert.Equal(ann.ParticipantId, signal["from"]);
        Assert.Equal("offer", signal["type"]);
        Assert.Equal("v=0 sdp", signal["payload"]);

        // a refused call is a clear error on this protocol too
        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => bobHub.InvokeAsync("Signal", "nobody-here", "offer", "x"));
        Assert.False(string.IsNullOrWhiteSpace(refused.Message));
    }

    [Fact]
    public async Task AUserHubClientOnMessagePackHearsItsInvitationWithTheJsonNames()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        var annToken = await UserDevice.TokenAsync(app.CreateClient(), "mp-ann");
        var bobToken = await UserDevice.TokenAsync(app.CreateClient(), "mp-bob");
        var invitations = new ConcurrentQueue<Dictionary<string, object>>();
        await using var bobDevice = RoomHubConnection.Builder(app.BaseAddress, bobToken, "/hubs/user").AddMessagePackProtocol().Build();
        bobDevice.On<Dictionary<string, object>>("invitation", invitations.Enqueue);
        await bobDevice.StartAsync();

        var call = await Calling.RingingTests.DialAsync(app, annToken, "mp-bob");

        var invitation = await Eventually.ValueAsync(() => Task.FromResult(invitations.FirstOrDefault()!), i => i is not null, "the invitation over MessagePack");
        Assert.Equal((call.Room.Invitations![0].InvitationId, "mp-bob", "ringing"), ((string)invitation["invitationId"], (string)invitation["to"], (string)invitation["state"]));
        Assert.Equal("mp-ann", ((Dictionary<object, object>)invitation["from"])["identity"]);
    }
}
