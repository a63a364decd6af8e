using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Time.Testing;

namespace CallServer.Tests.Rooms;

/// <summary>An idle room lets its worker go and loses nothing: the next command and the room's own deadlines bring it back.</summary>
[Collection(RedisCollection.Name)]
public sealed class HibernationTests(RedisServer redis) : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private CallServerApplication? _app;

    private CallServerApplication App => _app ??= new CallServerApplication(redis.ConnectionString, time: _time, settings: new Dictionary<string, string?>
    {
        ["Rooms:HibernateAfterSeconds"] = "5",
        ["Rooms:JoinTimeoutSeconds"] = "60",
        ["Rooms:ReconnectGraceSeconds"] = "20",
    }).Start();

    private RoomSupervisor Supervisor => App.Service<RoomSupervisor>();

    public void Dispose() => _app?.Dispose();

    [Fact]
    public async Task IdleRoomHibernatesAnswersFromItsBackupAndStillKeepsItsDeadlines()
    {
        var room = "idle-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await App.JoinAsync(room, "Ann");
        var bob = await App.JoinAsync(room, "Bob");
        await using var bobHub = await App.ConnectAsync(bob);
        var before = await bobHub.Connection.InvokeAsync<RoomStatus>("GetStatus");
        Assert.Equal(1, Supervisor.WorkerCount);

        _time.Advance(TimeSpan.FromSeconds(6));
        await Eventually.TrueAsync(() => Task.FromResult(Supervisor.WorkerCount == 0), "the idle room's worker to hibernate");
        Assert.Equal(1, Supervisor.HibernatedWithDeadline);

        // asked again: a worker comes back with the acknowledged state, nothing changed
        var woken = await bobHub.Connection.InvokeAsync<RoomStatus>("GetStatus");
        Assert.Equal(before.Version, woken.Version);
        Assert.Equal(new[] { ann.ParticipantId, bob.ParticipantId }.Order(), woken.Participants.Select(p => p.ParticipantId).Order());
        Assert.Equal(1, Supervisor.WorkerCount);

        _time.Advance(TimeSpan.FromSeconds(6));
        await Eventually.TrueAsync(() => Task.FromResult(Supervisor.WorkerCount == 0), "the room to hibernate again");

        // Ann never connected: her join timeout still removes her while the room sleeps
        _time.Advance(TimeSpan.FromSeconds(50));
        var status = await bobHub.WaitForStatusAsync(s => s.Participants.Count == 1, "Ann removed at her join timeout");
        Assert.Equal(bob.ParticipantId, status.Participants.Single().ParticipantId);
        Assert.True(status.Version > before.Version);
    }

    [Fact]
    public async Task ADroppedParticipantsGraceRunsOutWhileTheRoomSleeps()
    {
        var room = "grace-" + Guid.NewGuid().ToString("N")[..8];
        await using var call = await App.CallWithOneDroppedAsync(room);
        var (bob, bobHub) = (call.Bob, call.BobHub);

        _time.Advance(TimeSpan.FromSeconds(6));
        await Eventually.TrueAsync(() => Task.FromResult(Supervisor.WorkerCount == 0), "the room to hibernate during Ann's grace");

        _time.Advance(TimeSpan.FromSeconds(15));
        var status = await bobHub.WaitForStatusAsync(s => s.Participants.Count == 1, "Ann removed when her grace ran out");
        Assert.Equal(bob.ParticipantId, status.Participants.Single().ParticipantId);
    }
}
