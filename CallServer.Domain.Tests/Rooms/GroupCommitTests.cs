using CallServer.Domain.Backup;
using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using CallServer.Domain.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CallServer.Domain.Tests.Rooms;

/// <summary>
/// Group commit in the middle tier: changes that wait behind a write go in one write, each with its own version and answer,
/// answered only once that write is done; a refused group write decides each again; a change that crashes the room is
/// handled alone after the group.
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
    private readonly InMemoryRoomBackup _backup = new();
    private readonly RoomFaultInjector _faults = new();
    private readonly TestMeters _meters = new();
    private readonly RoomSupervisor _rooms;

    public GroupCommitTests()
    {
        var signals = new RecordedSignals();
        _rooms = new RoomSupervisor(
            _backup, Microsoft.Extensions.Options.Options.Create(new RoomsOptions { JoinTimeoutSeconds = 3600, MaxRestarts = 5 }), _faults,
            new InstanceIdentity(), _time, new MeshOnlyMedia(), signals, new RoomWakeUps(_time), new InstanceLiveness(_time, TimeSpan.FromSeconds(10)),
            new HeldConnections(), new RoomMediaEvents(signals, NullLogger<RoomMediaEvents>.Instance), new Telemetry.RoomTelemetry(_meters),
            NullLoggerFactory.Instance);
    }

    public Task InitializeAsync() => _rooms.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _rooms.StopAsync(CancellationToken.None);
        _meters.Dispose();
    }

    [Fact]
    public async Task ChangesWaitingBehindAWriteGoInOneWriteEachWithItsOwnVersionAndAnswer()
    {
        var ann = await JoinAsync("g1");
        var (first, queued) = await BehindAStalledWriteAsync("g1", () =>
        [
            .. Enumerable.Range(0, 8).Select(i => Ask("g1", new SetMedia(ann, i % 2 == 0, true))),
            Ask("g1", new JoinRoom("Bob", null)),
            Ask("g1", new SetMedia("p-nobody", false, false)),
        ]);

        Assert.Equal(2, (await first).Status.Version);
        var answers = await Task.WhenAll(queued.Take(9));
        Assert.Equal(Enumerable.Range(3, 9).Select(v => (long)v), answers.Select(a => a.Status.Version));
        Assert.Equal(RoomErrorKind.NotInRoom, (await Assert.ThrowsAsync<RoomException>(() => queued[9])).Kind);
        // one write for the join, one for the stalled change, one for the nine behind it
        Assert.Equal([[1L], [2L], [3L, 4, 5, 6, 7, 8, 9, 10, 11]], _backup.Writes.Select(w => w.ToArray()));
        Assert.Equal(9, _backup.Events.Count(e => e.Fact is MediaChanged));
        Assert.Equal(Enumerable.Range(1, _backup.Events.Count).Select(i => (long)i), _backup.Events.Select(e => e.Seq));
        Assert.Equal((11L, false, 2), (_backup["g1"]!.Version, _backup["g1"]!.Find(ann)!.Audio, _backup["g1"]!.Participants.Count));
    }

    [Fact]
    public async Task AGroupWhoseWriteIsRefusedIsDecidedAgainChangeByChangeAndNothingIsLost()
    {
        var ann = await JoinAsync("g2");
        _backup.GroupWritesInterleaved = 1;
        var (first, queued) = await BehindAStalledWriteAsync("g2", () => [.. Enumerable.Range(0, 6).Select(i => Ask("g2", new SetMedia(ann, i % 2 == 0, true)))]);

        await first;
        var versions = (await Task.WhenAll(queued)).Select(a => a.Status.Version).ToList();
        Assert.Equal(0, _backup.GroupWritesInterleaved);
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
        Assert.Equal(7, _backup.Events.Count(e => e.Fact is MediaChanged));
        Assert.False(_backup["g2"]!.Find(ann)!.Audio);
    }

    [Fact]
    public async Task AChangeThatCrashesTheRoomEndsTheGroupBeforeItAndCrashesAlone()
    {
        var ann = await JoinAsync("g3");
        _faults.CrashWhen = (_, command) => command is SetMedia { Video: false };
        var (first, queued) = await BehindAStalledWriteAsync("g3", () =>
        [
            .. Enumerable.Range(0, 3).Select(i => Ask("g3", new SetMedia(ann, i % 2 == 0, true))),
            Ask("g3", new SetMedia(ann, true, false)),
            Ask("g3", new SetMedia(ann, false, true)),
        ]);

        await first;
        Assert.Equal([3L, 4, 5], (await Task.WhenAll(queued.Take(3))).Select(a => a.Status.Version));
        Assert.Equal(RoomErrorKind.Crashed, (await Assert.ThrowsAsync<RoomException>(() => queued[3])).Kind);
        Assert.Equal(6, (await queued[4]).Status.Version);
        Assert.Contains(_backup.Writes, w => w.SequenceEqual([3L, 4, 5]));
        Assert.True(_backup["g3"]!.Find(ann)!.Video);
    }

    [Fact]
    public async Task AGroupWriteThatFailsOtherwiseThanByAnOutageAnswersEveryChangeAndTheRoomGoesOn()
    {
        var ann = await JoinAsync("g4");
        _backup.GroupWriteFailure = new InvalidOperationException("a store error that is not an outage");
        var (first, queued) = await BehindAStalledWriteAsync("g4", () => [.. Enumerable.Range(0, 5).Select(i => Ask("g4", new SetMedia(ann, i % 2 == 0, true)))]);

        await first;
        // every change of the group is answered (not left to the answer bound): the room crashed on them, nothing was written
        foreach (var change in queued)
        {
            Assert.Equal(RoomErrorKind.Crashed, (await Assert.ThrowsAsync<RoomException>(() => change.WaitAsync(TimeSpan.FromSeconds(10)))).Kind);
        }

        Assert.Equal(2, _backup["g4"]!.Version);
        // restarted from its backup, the room takes the next change
        Assert.Equal(3, (await Ask("g4", new SetMedia(ann, true, true))).Status.Version);
    }

    private async Task<string> JoinAsync(string room) => (await Ask(room, new JoinRoom("Ann", null))).Participant!.ParticipantId;

    private Task<RoomReply> Ask(string room, RoomCommand command) => _rooms.AskAsync(room, command, CancellationToken.None);

    /// <summary>One change (Ann's microphone off) whose write hangs, the changes <paramref name="behind"/> asks queued behind it, then the store answers.</summary>
    private async Task<(Task<RoomReply> First, List<Task<RoomReply>> Queued)> BehindAStalledWriteAsync(string room, Func<List<Task<RoomReply>>> behind)
    {
        var stall = new TaskCompletionSource();
        _backup.Stall = stall.Task;
        var participant = _backup[room]!.Participants[0].ParticipantId;
        var first = Ask(room, new SetMedia(participant, false, true));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_rooms.QueuedCommands > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the first change never reached its write");
            await Task.Delay(5);
        }

        var queued = behind();
        _backup.Stall = null;
        stall.SetResult();
        return (first, queued);
    }
}
