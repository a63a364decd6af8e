using CallServer.Backup;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.Rooms;

[Collection(RedisCollection.Name)]
public sealed class SupervisionTests(RedisServer redis) : IDisposable
{
    private readonly CallServerApplication _app = new CallServerApplication(redis.ConnectionString).Start();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task CrashedWorkerRestartsWithExactlyTheBackedUpStateWhileOtherRoomsGoOn()
    {
        var room = "crash-" + Guid.NewGuid().ToString("N")[..8];
        var other = "calm-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        await using var annHub = await _app.ConnectAsync(ann);
        var before = await _app.StatusAsync(room);
        using var inside = new SemaphoreSlim(0);
        using var release = new ManualResetEventSlim();
        _app.Service<RoomFaultInjector>().CrashWhen = (roomId, command) =>
        {
            if (roomId != room || command is not SetMedia)
            {
                return false;
            }

            // hold the crashing worker in the middle of its command until the other room has been served
            inside.Release();
            release.Wait(TimeSpan.FromSeconds(30));
            return true;
        };

        var crashing = annHub.Connection.InvokeAsync<RoomStatus>("SetMedia", false, false);
        Assert.True(await inside.WaitAsync(Eventually.DefaultTimeout), "the fault was reached");
        var bob = await _app.JoinAsync(other, "Bob");
        await using var bobHub = await _app.ConnectAsync(bob);
        var calm = await bobHub.Connection.InvokeAsync<RoomStatus>("SetMedia", false, true);
        Assert.False(crashing.IsCompleted, "the crashing room was still held while the other room answered");
        release.Set();

        var error = await Assert.ThrowsAsync<HubException>(() => crashing);
        Assert.Contains("crashed", error.Message);
        Assert.False(calm.Participants.Single().Audio);
        var after = await _app.StatusAsync(room);
        Assert.Equivalent(before, after, strict: true);

        // the restarted worker serves the next command from the backed-up state
        _app.Service<RoomFaultInjector>().CrashWhen = null;
        var next = await annHub.Connection.InvokeAsync<RoomStatus>("SetMedia", false, false);
        Assert.Equal(before.Version + 1, next.Version);
        Assert.Equal(before.Participants.Single().JoinedAt, next.Participants.Single().JoinedAt);
    }

    [Fact]
    public async Task RepeatedCrashesBeyondTheRestartIntensityEndTheRoomAsFailed()
    {
        var room = "doomed-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        var bob = await _app.JoinAsync(room, "Bob");
        await using var annHub = await _app.ConnectAsync(ann);
        await using var bobHub = await _app.ConnectAsync(bob);
        _app.Service<RoomFaultInjector>().CrashWhen = (roomId, command) => roomId == room && command is SetMedia;

        // the default intensity is 5 restarts in 10 s: the sixth crash is one too many
        for (var i = 0; i < 6; i++)
        {
            await Assert.ThrowsAsync<HubException>(() => annHub.Connection.InvokeAsync<RoomStatus>("SetMedia", false, false));
        }

        foreach (var hub in new[] { annHub, bobHub })
        {
            var ended = await hub.WaitForEndedAsync();
            Assert.Equal(("failed", ann.Room.CallId), (ended.Reason, ended.CallId));
            await hub.WaitForStatusAsync(s => s.State == "failed", "failed status");
        }

        using var admin = _app.Admin();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await admin.GetAsync($"/rooms/{room}")).StatusCode);
    }

    [Fact]
    public async Task StaleWriterIsRefusedByTheCompareAndSet()
    {
        var room = "stale-" + Guid.NewGuid().ToString("N")[..8];
        await _app.JoinAsync(room, "Ann");
        await _app.JoinAsync(room, "Bob");
        var backup = _app.Service<RoomBackup>();
        var current = (await backup.LoadAsync(room, CancellationToken.None))!;
        var stale = current with { Version = current.Version, Participants = [] };

        var write = await backup.SaveAsync(current.Version - 1, [new BackupStep(stale, [])], TimeSpan.FromHours(1), CancellationToken.None);

        Assert.False(write.Written);
        Assert.Equal(current.Version, write.StoredVersion);
        var kept = (await backup.LoadAsync(room, CancellationToken.None))!;
        Assert.Equal(2, kept.Participants.Count);
        Assert.Equal(current.Version, kept.Version);
    }

    [Fact]
    public async Task WorkerOfAnotherInstanceWithAnOlderVersionRereadsInsteadOfOverwriting()
    {
        using var second = new CallServerApplication(redis.ConnectionString, keyPrefix: _app.KeyPrefix).Start();
        var room = "twice-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        // the second instance now has a worker holding this version of the room
        await second.StatusAsync(room);
        var bob = await _app.JoinAsync(room, "Bob");

        var cid = await second.JoinAsync(room, "Cid");

        Assert.Equal(bob.Room.Version + 1, cid.Room.Version);
        Assert.Equal(
            new[] { ann.ParticipantId, bob.ParticipantId, cid.ParticipantId },
            (await _app.StatusAsync(room)).Participants.Select(p => p.ParticipantId));
    }

    [Fact]
    public async Task SignalReachesAParticipantConnectedToAnotherInstance()
    {
        using var second = new CallServerApplication(redis.ConnectionString, keyPrefix: _app.KeyPrefix).Start();
        var room = "span-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        var bob = await second.JoinAsync(room, "Bob");
        await using var annHub = await _app.ConnectAsync(ann);
        await using var bobHub = await second.ConnectAsync(bob);

        await annHub.Connection.InvokeAsync("Signal", bob.ParticipantId, "offer", "sdp across instances");

        var signal = await bobHub.WaitForSignalAsync(_ => true, "the offer on the other instance");
        Assert.Equal((ann.ParticipantId, "sdp across instances"), (signal.From, signal.Payload));
        await annHub.WaitForStatusAsync(s => s.Participants.All(p => p.Presence == "connected") && s.Participants.Count == 2, "both connected at Ann");
    }
}
