using CallServer.Domain.Supervision;
namespace CallServer.Domain.Rooms;

/// <summary>
/// When a room's worker must look at its room again, in one object: the room's presence deadlines (kept in its state), the
/// re-check of connections held by other instances, a reload after the backup store failed, and hibernation. One timer
/// posts <c>ExpireDeadlines</c> at the earliest of them; a hibernating room hands its next deadline to the shared wake-ups.
/// </summary>
internal sealed class RoomSchedule(string roomId, RoomsOptions options, TimeProvider time, RoomWakeUps wakeUps, Action onDue) : IDisposable
{
    /// <summary>How soon a worker whose backup did not answer tries to reload (±20%): its deadlines must not be forgotten.</summary>
    private static readonly TimeSpan ReloadRetry = TimeSpan.FromSeconds(1);

    private ITimer? _timer;
    private DateTimeOffset? _timerDue;
    private DateTimeOffset _askedAt;
    private DateTimeOffset? _hibernateCheckAt;
    private DateTimeOffset? _reloadAt;
    private DateTimeOffset? _instanceRecheckAt;
    private DateTimeOffset? _sweepAt;

    /// <summary>True when the connections of other instances are due for a look.</summary>
    public bool InstancesDue => _instanceRecheckAt <= time.GetUtcNow();

    /// <summary>True when this instance's own connections are due for a look (<see cref="RoomsOptions.ConnectionSweep"/>).</summary>
    public bool SweepDue => _sweepAt <= time.GetUtcNow();

    /// <summary>A (re)start of the worker: asked just now, nothing to re-check yet.</summary>
    public void Start()
    {
        _askedAt = time.GetUtcNow();
        _hibernateCheckAt = _askedAt + options.HibernateAfter;
        _reloadAt = null;
        _instanceRecheckAt = null;
        _sweepAt = null;
    }

    /// <summary>The room was asked something (timer ticks are not asking): it stays awake for another hibernation period.</summary>
    public void Asked() => _askedAt = time.GetUtcNow();

    /// <summary>Looks at other instances' connections again at <paramref name="at"/> (null: no need).</summary>
    public void RecheckInstancesAt(DateTimeOffset? at) => _instanceRecheckAt = at;

    /// <summary>
    /// Looks at this instance's own connections again one sweep period from now (or never: none to look at). Only while the
    /// worker runs: a hibernating room is not woken for it (it sweeps when it starts again).
    /// </summary>
    public void SweepLater(bool any) => _sweepAt = any ? time.GetUtcNow() + options.ConnectionSweep : null;

    /// <summary>True while a sweep of this instance's own connections is planned.</summary>
    public bool SweepPlanned => _sweepAt is not null;

    /// <summary>The backup store did not answer: try to load the room again in about a second.</summary>
    public void ReloadSoon(RoomState? state)
    {
        _reloadAt = time.GetUtcNow() + (ReloadRetry * (0.8 + (Random.Shared.NextDouble() * 0.4)));
        Arm(state);
    }

    /// <summary>The room's state was loaded.</summary>
    public void Loaded() => _reloadAt = null;

    /// <summary>The room's earliest deadline, or the re-check of other instances' connections (or a reload) if that comes first.</summary>
    public DateTimeOffset? NextDeadline(RoomState? state)
    {
        if (state is null)
        {
            return _reloadAt;
        }

        var due = state.NextDeadline();
        return _instanceRecheckAt is { } recheck && (due is null || recheck < due) ? recheck : due;
    }

    /// <summary>Points the timer at the next deadline, or at the next hibernation check if that comes first.</summary>
    public void Arm(RoomState? state)
    {
        var due = NextDeadline(state);
        if (state is not null && _sweepAt is { } sweep && (due is null || sweep < due))
        {
            due = sweep;
        }

        // a check that is due already is made once the mailbox is empty (IdleLongEnough), which moves it on
        if (_hibernateCheckAt is { } idle && idle > time.GetUtcNow() && (due is null || idle < due))
        {
            due = idle;
        }

        if (due == _timerDue)
        {
            return;
        }

        _timerDue = due;
        if (due is null)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        _timer ??= time.CreateTimer(static s => ((RoomSchedule)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(TimerDelay.Until(due.Value, time), Timeout.InfiniteTimeSpan);
    }

    /// <summary>True once the room was asked nothing for <see cref="RoomsOptions.HibernateAfter"/> and waits on nothing.</summary>
    public bool IdleLongEnough(RoomState? state, bool mediaPending)
    {
        if (_hibernateCheckAt is not { } checkAt || mediaPending)
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (now < checkAt)
        {
            return false;
        }

        if (state is not { IsLive: true })
        {
            // no state (the backup did not answer): keep looking, so that the deadlines this room may hold are not forgotten
            _hibernateCheckAt = now + options.HibernateAfter!.Value;
            Arm(state);
            return false;
        }

        var idleUntil = _askedAt + options.HibernateAfter!.Value;
        if (now >= idleUntil)
        {
            return true;
        }

        // asked something since this check was armed: look again when that has been idle long enough
        _hibernateCheckAt = idleUntil;
        Arm(state);
        return false;
    }

    /// <summary>Lets the worker go: the room's next deadline goes to the shared wake-ups; returns it.</summary>
    public DateTimeOffset? Hibernate(RoomState? state)
    {
        var due = NextDeadline(state);
        if (due is { } at)
        {
            wakeUps.At(roomId, at);
        }

        _timer?.Dispose();
        _timer = null;
        _timerDue = null;
        return due;
    }

    public void Dispose() => _timer?.Dispose();

    private void OnTimer()
    {
        _timerDue = null;
        onDue();
    }
}
