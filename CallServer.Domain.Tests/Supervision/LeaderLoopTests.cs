using CallServer.Domain.Supervision;
using Microsoft.Extensions.Time.Testing;

namespace CallServer.Domain.Tests.Supervision;

/// <summary>The one loop of the jobs that one instance at a time does (history writer, webhook sender), driven by a fake clock.</summary>
public sealed class LeaderLoopTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    private readonly TimerCountingTime _time = new();

    [Fact]
    public async Task AnInstanceWithoutTheLeaseStepsDownAndTakesOverWhenTheLeaseIsFree()
    {
        var job = new FakeJob { LeaseHeld = false };
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => new LeaderLoop(job, new WakeSignal(), _time).RunAsync(stop.Token));

        // stepped down, and waiting to look again
        await WaitUntilAsync(() => job.StepDowns == 1 && _time.Timers == 1);
        Assert.Equal(0, job.Rounds);
        job.LeaseHeld = true;
        // it looks again at a third of the lease
        _time.Advance(Lease / 3);

        await WaitUntilAsync(() => job.Rounds == 1);
        Assert.Equal(1, job.StepDowns);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task AWakeUpStartsTheNextRoundBeforeItsDeadline()
    {
        var job = new FakeJob { Next = new LeaderRound(TimeSpan.FromMinutes(1)) };
        var wake = new WakeSignal();
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => new LeaderLoop(job, wake, _time).RunAsync(stop.Token));
        await WaitUntilAsync(() => job.Rounds == 1);

        wake.Set();

        await WaitUntilAsync(() => job.Rounds == 2);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task AFailureTheJobWaitsOutIsRetriedAfterItsDelayAndAnyOtherEndsTheRun()
    {
        var job = new FakeJob { Failure = new TimeoutException("store down"), RetryAfter = TimeSpan.FromSeconds(2) };
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => new LeaderLoop(job, new WakeSignal(), _time).RunAsync(stop.Token));
        await WaitUntilAsync(() => job.Failures == 1 && _time.Timers == 1);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, job.Failures);
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => job.Failures == 2 && _time.Timers == 2);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(2)], job.PreviousDelays);

        job.Failure = new InvalidOperationException("a bug");
        job.RetryAfter = null;
        _time.Advance(TimeSpan.FromSeconds(2));

        var crash = await Assert.ThrowsAsync<InvalidOperationException>(() => run);
        Assert.Equal("a bug", crash.Message);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the loop did not get there in time");
            await Task.Delay(5);
        }
    }

    /// <summary>A fake clock that counts the timers made on it, so that a test advances it only once the loop waits on it.</summary>
    private sealed class TimerCountingTime() : FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero))
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    private sealed class FakeJob : ILeaderJob
    {
        private int _rounds;
        private int _stepDowns;
        private int _failures;

        public bool LeaseHeld { get; set; } = true;

        public LeaderRound Next { get; set; } = new(TimeSpan.FromMinutes(1));

        public Exception? Failure { get; set; }

        public TimeSpan? RetryAfter { get; set; }

        public List<TimeSpan> PreviousDelays { get; } = [];

        public int Rounds => Volatile.Read(ref _rounds);

        public int StepDowns => Volatile.Read(ref _stepDowns);

        public int Failures => Volatile.Read(ref _failures);

        public TimeSpan Lease => LeaderLoopTests.Lease;

        public Task<bool> HoldLeaseAsync(CancellationToken stopping) => Task.FromResult(LeaseHeld);

        public Task<LeaderRound> RoundAsync(CancellationToken stopping)
        {
            if (Failure is { } failure)
            {
                throw failure;
            }

            Interlocked.Increment(ref _rounds);
            return Task.FromResult(Next);
        }

        public Task StepDownAsync()
        {
            Interlocked.Increment(ref _stepDowns);
            return Task.CompletedTask;
        }

        public Task<TimeSpan?> FailedAsync(Exception failure, TimeSpan previousDelay)
        {
            lock (PreviousDelays)
            {
                PreviousDelays.Add(previousDelay);
            }

            Interlocked.Increment(ref _failures);
            return Task.FromResult(RetryAfter);
        }
    }
}
