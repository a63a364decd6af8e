using CallServer.Domain.Rooms;
using Microsoft.Extensions.Time.Testing;

namespace CallServer.Domain.Tests.Rooms;

/// <summary>When a room's worker looks at its room again: its timer, and the wake-ups of hibernated rooms.</summary>
public sealed class RoomScheduleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TheTimerFiresAtTheRoomsEarliestDeadline()
    {
        var fired = 0;
        using var schedule = new RoomSchedule("r1", RoomFixture.Options, _time, new RoomWakeUps(_time), () => fired++);
        var room = new RoomFixture();
        room.Join("Ann");
        schedule.Start();

        schedule.Arm(room.State);
        _time.Advance(RoomFixture.Options.JoinTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal(0, fired);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, fired);
    }

    [Fact]
    public void AFarAwayRecheckNeverBreaksTheTimer()
    {
        var fired = 0;
        using var schedule = new RoomSchedule("r1", new RoomsOptions { HibernateAfterSeconds = 0 }, _time, new RoomWakeUps(_time), () => fired++);
        var room = new RoomFixture();
        room.JoinAndConnect("Ann", "c1", "i-other");
        schedule.Start();
        schedule.RecheckInstancesAt(DateTimeOffset.MaxValue);

        schedule.Arm(room.State);
        _time.Advance(TimeSpan.FromDays(1));

        // a timer can be set for some 49 days at most: the schedule looks again after a day instead of throwing
        Assert.Equal(1, fired);
    }

    [Fact]
    public async Task AWakeUpIsHandedOutWhenItFallsDueAndAFarOneBreaksNothing()
    {
        using var wakeUps = new RoomWakeUps(_time);
        var woken = new List<string>();
        using var stop = new CancellationTokenSource();
        var loop = wakeUps.RunAsync(id => { lock (woken) { woken.Add(id); } }, stop.Token);
        wakeUps.At("far", DateTimeOffset.MaxValue);
        wakeUps.At("soon", _time.GetUtcNow().AddSeconds(5));

        _time.Advance(TimeSpan.FromSeconds(5));
        await WaitUntilAsync(() => { lock (woken) { return woken.Contains("soon"); } });

        Assert.Equal(1, wakeUps.Count);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
