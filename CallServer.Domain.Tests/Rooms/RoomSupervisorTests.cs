using CallServer.Backup;
using CallServer.Domain.Tests.Fakes;
using CallServer.Rooms;
using CallServer.Rooms.Commands;
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
    private readonly TestMeters _meters = new();
    private readonly RoomSupervisor _rooms;

    public RoomSupervisorTests()
    {
        var signals = new RecordedSignals();
        _rooms = new RoomSupervisor(
            _backup, Microsoft.Extensions.Options.Options.Create(Options), _faults, new InstanceIdentity(), _time, new MeshOnlyMedia(),
            signals, new RoomWakeUps(_time), new InstanceLiveness(_time, TimeSpan.FromSeconds(10)),
            new RoomMediaEvents(signals, NullLogger<RoomMediaEvents>.Instance), new Telemetry.RoomTelemetry(_meters), NullLoggerFactory.Instance);
    }

    public Task InitializeAsync() => _rooms.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _rooms.StopAsync(CancellationToken.None);
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
