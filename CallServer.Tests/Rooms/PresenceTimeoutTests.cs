using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Time.Testing;

namespace CallServer.Tests.Rooms;

[Collection(RedisCollection.Name)]
public sealed class PresenceTimeoutTests(RedisServer redis) : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private CallServerApplication? _app;

    private CallServerApplication App => _app ??= new CallServerApplication(redis.ConnectionString, time: _time, settings: new Dictionary<string, string?>
    {
        ["Rooms:JoinTimeoutSeconds"] = "10",
        ["Rooms:ReconnectGraceSeconds"] = "5",
    }).Start();

    public void Dispose() => _app?.Dispose();

    [Fact]
    public async Task JoinThatNeverConnectsIsRemovedAfterTheJoinTimeout()
    {
        var room = "late-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await App.JoinAsync(room, "Ann");
        var bob = await App.JoinAsync(room, "Bob");
        await using var bobHub = await App.ConnectAsync(bob);

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(2, (await bobHub.Connection.InvokeAsync<RoomStatus>("GetStatus")).Participants.Count);
        _time.Advance(TimeSpan.FromSeconds(2));

        var status = await bobHub.WaitForStatusAsync(s => s.Participants.Count == 1, "Ann removed at Bob");
        Assert.Equal(bob.ParticipantId, status.Participants.Single().ParticipantId);
        Assert.Equal("waiting", status.State);
        Assert.DoesNotContain(ann.ParticipantId, (await App.StatusAsync(room)).Participants.Select(p => p.ParticipantId));
    }

    [Fact]
    public async Task DroppedConnectionIsReconnectingThenRemovedAfterTheGrace()
    {
        var room = "drop-" + Guid.NewGuid().ToString("N")[..8];
        await using var call = await App.CallWithOneDroppedAsync(room);
        var (bob, bobHub) = (call.Bob, call.BobHub);

        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(2, (await App.StatusAsync(room)).Participants.Count);
        _time.Advance(TimeSpan.FromSeconds(2));
        var status = await bobHub.WaitForStatusAsync(s => s.Participants.Count == 1, "Ann removed after the grace");
        Assert.Equal(bob.ParticipantId, status.Participants.Single().ParticipantId);
    }

    [Fact]
    public async Task ReconnectingWithinTheGraceKeepsTheParticipant()
    {
        var room = "back-" + Guid.NewGuid().ToString("N")[..8];
        await using var call = await App.CallWithOneDroppedAsync(room);
        var (ann, bobHub, dropped) = (call.Ann, call.BobHub, call.Dropped);

        _time.Advance(TimeSpan.FromSeconds(3));
        await using var annAgain = await App.ConnectAsync(ann);
        var back = await bobHub.WaitForStatusAsync(
            s => s.Version > dropped.Version && s.Participants.Count == 2 && s.Participants.All(p => p.Presence == "connected"), "Ann connected again");
        _time.Advance(TimeSpan.FromSeconds(10));

        var status = await annAgain.Connection.InvokeAsync<RoomStatus>("GetStatus");
        Assert.Equal(2, status.Participants.Count);
        Assert.Equal(back.Version, status.Version);
    }
}
