using CallServer.Backup;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using CallServer.Domain.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CallServer.Domain.Tests.Rooms;

/// <summary>
/// The middle tier: the real supervisor and workers against in-memory fakes of the domain's ports (backup, media, signals) and
/// a fake clock, in milliseconds, no Redis.
/// </summary>
public sealed class RoomSupervisorTests : IAsyncLifetime
{
    // a participant that never connects stays for the whole test
    private static readonly RoomsOptions Options = new() { MaxRestarts = 2, RestartWindowSeconds = 10, JoinTimeoutSeconds = 3600 };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
    private readonly InMemoryRoomBackup _backup = new();
    private readonly RoomFaultInjector _faults = new();
    private readonly HeldConnections _connections = new();
    private readonly TestMeters _meters = new();
    private readonly List<RoomSupervisor> _started = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly RoomSupervisor _rooms;
    private RoomWakeUps _wakeUps = null!;

    public RoomSupervisorTests() => _rooms = NewSupervisor(Options, new InstanceIdentity());

    public Task InitializeAsync() => _rooms.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _rooms.StopAsync(CancellationToken.None);
        foreach (var rooms in _started)
        {
            await rooms.StopAsync(CancellationToken.None);
        }

        _stop.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task ACrashedWorkerRestartsFromItsBackupAndTheRoomFailsBeyondItsRestartIntensity()
    {
        var ann = (await _rooms.AskAsync("r1", new JoinRoom("Ann", null), CancellationToken.None)).Participant!;
        _faults.CrashWhen = (_, command) => command is SetMedia;

        // within the intensity: each crash answers its caller, and the room goes on from its backup
        for (var i = 0; i < Options.MaxRestarts; i++)
        {
            var crash = await Assert.ThrowsAsync<RoomException>(() => _rooms.AskAsync("r1", new SetMedia(ann.ParticipantId, false, false), CancellationToken.None));
            Assert.Equal(RoomErrorKind.Crashed, crash.Kind);
            var status = (await _rooms.AskAsync("r1", new GetStatus(), CancellationToken.None)).Status;
            Assert.Equal(("waiting", 1L, true), (status.State, status.Version, status.Participants[0].Audio));
        }

        // one more within the window: the room ends as failed, and its call with it
        await Assert.ThrowsAsync<RoomException>(() => _rooms.AskAsync("r1", new SetMedia(ann.ParticipantId, false, false), CancellationToken.None));
        var failed = await EventuallyAsync(() => _backup["r1"] is { Phase: RoomPhase.Failed } state ? state : null);

        Assert.Equal("failed", failed.EndReason);
        Assert.Equal(new CallEnded("failed", 0), _backup.Events[^1].Fact);
    }

    [Fact]
    public async Task CrashesFartherApartThanTheWindowNeverFailTheRoom()
    {
        var ann = (await _rooms.AskAsync("r2", new JoinRoom("Ann", null), CancellationToken.None)).Participant!;
        _faults.CrashWhen = (_, command) => command is SetMedia;

        for (var i = 0; i < Options.MaxRestarts * 3; i++)
        {
            await Assert.ThrowsAsync<RoomException>(() => _rooms.AskAsync("r2", new SetMedia(ann.ParticipantId, false, false), CancellationToken.None));
            _time.Advance(TimeSpan.FromSeconds(Options.RestartWindowSeconds));
        }

        _faults.CrashWhen = null;
        var status = (await _rooms.AskAsync("r2", new SetMedia(ann.ParticipantId, false, true), CancellationToken.None)).Status;
        Assert.Equal(("waiting", false, true), (status.State, status.Participants[0].Audio, status.Participants[0].Video));
    }

    [Fact]
    public async Task AHibernatedRoomWakesAtItsDeadlineAndTheParticipantWhoNeverConnectedIsRemoved()
    {
        var options = new RoomsOptions { JoinTimeoutSeconds = 120, HibernateAfterSeconds = 30 };
        var rooms = await StartAsync(NewSupervisor(options, new InstanceIdentity()));
        _ = Task.Run(() => new RoomWakeUpLoop(_wakeUps, rooms).RunAsync(_stop.Token));
        await rooms.AskAsync("h1", new JoinRoom("Ann", null), CancellationToken.None);

        // asked nothing for the hibernation period: the worker goes, its deadline goes to the shared wake-ups
        _time.Advance(TimeSpan.FromSeconds(options.HibernateAfterSeconds + 1));
        await EventuallyAsync(() => rooms.WorkerCount == 0 && rooms.HibernatedWithDeadline == 1 ? "" : null);
        Assert.Single(_backup["h1"]!.Participants);

        // at the join deadline the room wakes, and the participant who never connected is removed
        _time.Advance(TimeSpan.FromSeconds(options.JoinTimeoutSeconds - options.HibernateAfterSeconds));
        var ended = await EventuallyAsync(() => _backup["h1"] is { IsLive: false } state ? state : null);

        Assert.Empty(ended.Participants);
        Assert.Equal(new ParticipantLeft(LeaveReasons.Timeout), _backup.Events.Select(e => e.Fact).OfType<ParticipantLeft>().Single());
        Assert.IsType<CallEnded>(_backup.Events[^1].Fact);
    }

    [Fact]
    public async Task AParticipantConnectedThroughADeadInstanceIsReleasedToItsGraceAndThenRemoved()
    {
        var options = new RoomsOptions { ReconnectGraceSeconds = 20, JoinTimeoutSeconds = 3600 };
        var dead = new InstanceIdentity();
        var before = await StartAsync(NewSupervisor(options, dead));
        var ann = (await before.AskAsync("d1", new JoinRoom("Ann", null), CancellationToken.None)).Participant!;
        await before.AskAsync("d1", new ConnectParticipant(ann.ParticipantId, "c-1", dead.Id), CancellationToken.None);
        var bob = (await before.AskAsync("d1", new JoinRoom("Bob", null), CancellationToken.None)).Participant!;
        await before.StopAsync(CancellationToken.None);

        // that instance died with Ann's connection; the next instance that runs the room finds out on load
        _backup.DeadInstances.Add(dead.Id);
        var after = await StartAsync(NewSupervisor(options, new InstanceIdentity()));
        await after.AskAsync("d1", new GetStatus(), CancellationToken.None);

        var released = await EventuallyAsync(() => _backup["d1"]!.Find(ann.ParticipantId) is { Presence: Presence.Reconnecting } p ? p : null);
        Assert.Null(released.InstanceId);
        Assert.Equal(Presence.Joining, _backup["d1"]!.Find(bob.ParticipantId)!.Presence);

        // nobody reconnects within the grace: Ann is removed, Bob stays
        _time.Advance(TimeSpan.FromSeconds(options.ReconnectGraceSeconds + 1));
        await EventuallyAsync(() => _backup["d1"]!.Find(ann.ParticipantId) is null ? "" : null);
        Assert.Equal([new ParticipantReconnecting(), new ParticipantLeft(LeaveReasons.Timeout)],
            _backup.Events.Where(e => e.ParticipantId == ann.ParticipantId).Select(e => e.Fact).Skip(2));
    }

    [Fact]
    public async Task AConnectionsCloseIsTakenByAFullMailboxAndRecordedOnceTheStoreAnswers()
    {
        var options = new RoomsOptions { MailboxCapacity = 16, JoinTimeoutSeconds = 3600, ReconnectGraceSeconds = 20 };
        var instance = new InstanceIdentity();
        var rooms = await StartAsync(NewSupervisor(options, instance));
        var ann = (await rooms.AskAsync("f1", new JoinRoom("Ann", null), CancellationToken.None)).Participant!;
        await rooms.AskAsync("f1", new ConnectParticipant(ann.ParticipantId, "c-1", instance.Id), CancellationToken.None);

        // the store hangs on one write while 16 more wait: the mailbox is full, a 18th request is refused as busy
        var stall = new TaskCompletionSource();
        _backup.Stall = stall.Task;
        var waiting = new List<Task<RoomReply>> { rooms.AskAsync("f1", new SetMedia(ann.ParticipantId, false, true), CancellationToken.None) };
        await EventuallyAsync(() => rooms.QueuedCommands == 0 ? "" : null);
        waiting.AddRange(Enumerable.Range(0, 16).Select(i => rooms.AskAsync("f1", new SetMedia(ann.ParticipantId, i % 2 == 0, true), CancellationToken.None)));
        var refused = await Assert.ThrowsAsync<RoomException>(() => rooms.AskAsync("f1", new GetStatus(), CancellationToken.None));
        Assert.Equal(RoomErrorKind.Busy, refused.Kind);

        // Ann's socket closes now: her disconnect must not be refused like the read was
        rooms.Post("f1", new DisconnectParticipant(ann.ParticipantId, "c-1"));
        _backup.Stall = null;
        stall.SetResult();
        await Task.WhenAll(waiting);

        var gone = await EventuallyAsync(() => _backup["f1"]!.Find(ann.ParticipantId) is { Presence: Presence.Reconnecting } p ? p : null);
        Assert.Null(gone.ConnectionId);
    }

    [Fact]
    public async Task AConnectionsCloseThatKeepsConflictingIsHandledAgainNotDropped()
    {
        var ann = (await _rooms.AskAsync("f2", new JoinRoom("Ann", null), CancellationToken.None)).Participant!;
        await _rooms.AskAsync("f2", new ConnectParticipant(ann.ParticipantId, "c-1", "this"), CancellationToken.None);

        // other instances write the room before each of the worker's four attempts, and once more after
        _backup.WritesInterleaved = 5;
        _rooms.Post("f2", new DisconnectParticipant(ann.ParticipantId, "c-1"));

        await EventuallyAsync(() => _backup["f2"]!.Find(ann.ParticipantId) is { Presence: Presence.Reconnecting } p ? p : null);
        Assert.Equal(0, _backup.WritesInterleaved);
    }

    [Fact]
    public async Task AParticipantHeldConnectedByAConnectionThisInstanceLostIsMovedToReconnecting()
    {
        var options = new RoomsOptions { JoinTimeoutSeconds = 3600, ReconnectGraceSeconds = 20, ConnectionSweepSeconds = 30, HibernateAfterSeconds = 0 };
        var instance = new InstanceIdentity();
        var rooms = await StartAsync(NewSupervisor(options, instance));
        var ann = (await rooms.AskAsync("s1", new JoinRoom("Ann", null), CancellationToken.None)).Participant!;
        var bob = (await rooms.AskAsync("s1", new JoinRoom("Bob", null), CancellationToken.None)).Participant!;
        await rooms.AskAsync("s1", new ConnectParticipant(ann.ParticipantId, "c-ann", instance.Id), CancellationToken.None);
        await rooms.AskAsync("s1", new ConnectParticipant(bob.ParticipantId, "c-bob", instance.Id), CancellationToken.None);

        // Ann's connection is gone from this instance, and its close never reached the room: within one sweep period she is
        // moved to her grace, Bob, still held, stays connected
        _connections.Lose("c-ann");
        _time.Advance(TimeSpan.FromSeconds(options.ConnectionSweepSeconds + 1));

        await EventuallyAsync(() => _backup["s1"]!.Find(ann.ParticipantId) is { Presence: Presence.Reconnecting } p ? p : null);
        Assert.Equal(Presence.Connected, _backup["s1"]!.Find(bob.ParticipantId)!.Presence);
    }

    [Fact]
    public async Task AChangeIsAnsweredWithinTheBackupsBoundWhileTheStoreHangsAndMayStillBeAppliedAfter()
    {
        var ann = (await _rooms.AskAsync("b1", new JoinRoom("Ann", null), CancellationToken.None)).Participant!;
        var stall = new TaskCompletionSource();
        _backup.Stall = stall.Task;
        _backup.AnswerWithin = TimeSpan.FromMilliseconds(300);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<RoomException>(() => _rooms.AskAsync("b1", new SetMedia(ann.ParticipantId, false, true), CancellationToken.None));

        Assert.Equal(RoomErrorKind.Unavailable, refused.Kind);
        Assert.Contains("may still be applied", refused.Message, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        // the store answers at last: the change was written (a retry of SetMedia is safe)
        _backup.Stall = null;
        stall.SetResult();
        await EventuallyAsync(() => _backup["b1"]!.Find(ann.ParticipantId) is { Audio: false } p ? p : null);
    }

    private RoomSupervisor NewSupervisor(RoomsOptions options, InstanceIdentity instance)
    {
        var signals = new RecordedSignals();
        _wakeUps = new RoomWakeUps(_time);
        return new RoomSupervisor(
            _backup, Microsoft.Extensions.Options.Options.Create(options), _faults, instance, _time, new MeshOnlyMedia(),
            signals, _wakeUps, new InstanceLiveness(_time, TimeSpan.FromSeconds(10)), _connections,
            new RoomMediaEvents(signals, NullLogger<RoomMediaEvents>.Instance), new Telemetry.RoomTelemetry(_meters), NullLoggerFactory.Instance);
    }

    private async Task<RoomSupervisor> StartAsync(RoomSupervisor rooms)
    {
        await rooms.StartAsync(CancellationToken.None);
        _started.Add(rooms);
        return rooms;
    }

    private static async Task<T> EventuallyAsync<T>(Func<T?> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
