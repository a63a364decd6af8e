using System.Threading.Channels;
using CallServer.Backup;
using CallServer.Media;
using CallServer.Rooms.Commands;

namespace CallServer.Rooms;

/// <summary>
/// The RoomServer of the talk: one per live room. Callers only post commands to its mailbox; one loop owns the state
/// and handles them one at a time, acknowledging each only after its outcome is in the backup.
/// </summary>
internal sealed class RoomWorker : IDisposable
{
    private const int MaxConflictRetries = 3;

    /// <summary>How soon a worker whose backup did not answer tries to reload (±20%): its deadlines must not be forgotten.</summary>
    private static readonly TimeSpan ReloadRetry = TimeSpan.FromSeconds(1);

    private readonly Channel<RoomCommand> _mailbox;
    private readonly Lock _gate = new();
    private readonly IRoomBackup _backup;
    private readonly RoomsOptions _options;
    private readonly RoomFaultInjector _faults;
    private readonly InstanceIdentity _instance;
    private readonly TimeSpan _instanceTtl;
    private readonly TimeProvider _time;
    private readonly IMediaServer _media;
    private readonly ISignalPublisher _signals;
    private readonly RoomWakeUps _wakeUps;
    private readonly InstanceLiveness _liveness;
    private readonly ILogger _logger;
    private readonly List<DisconnectParticipant> _retryAfterReload = [];
    private CancellationToken _stopping;
    private bool _closed;
    private RoomState? _state;
    private ITimer? _timer;
    private DateTimeOffset? _timerDue;
    private DateTimeOffset? _instanceRecheckAt;
    private DateTimeOffset _askedAt;
    private DateTimeOffset? _hibernateCheckAt;
    private DateTimeOffset? _reloadAt;
    private int _mediaPending;

    public RoomWorker(string roomId, RoomWorkerServices services)
    {
        RoomId = roomId;
        _backup = services.Backup;
        _options = services.Options;
        _faults = services.Faults;
        _instance = services.Instance;
        _instanceTtl = services.InstanceTtl;
        _time = services.Time;
        _media = services.Media;
        _signals = services.Signals;
        _wakeUps = services.WakeUps;
        _liveness = services.Liveness;
        _logger = services.Logger;
        _mailbox = Channel.CreateBounded<RoomCommand>(new BoundedChannelOptions(_options.MailboxCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string RoomId { get; }

    /// <summary>The name of the command being handled, for crash logs.</summary>
    public string? CurrentCommand { get; private set; }

    /// <summary>Posts a command; false when this worker has stopped and a new one must be started.</summary>
    public bool TryPost(RoomCommand command)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            if (!_mailbox.Writer.TryWrite(command))
            {
                Answer(command, new RoomException(RoomErrorKind.Busy, $"Room '{RoomId}' is busy; try again."));
            }

            return true;
        }
    }

    /// <summary>
    /// The loop. Returns when the call is over and the mailbox is empty (a normal stop), when the room hibernates, or when
    /// <paramref name="stopping"/> fires; throws when a command crashed it. Every (re)start reads the state from the backup;
    /// after the backup store failed (<paramref name="reload"/>) it does so soon by itself, so that deadlines still fire.
    /// </summary>
    public async Task RunAsync(bool failFirst, bool reload, CancellationToken stopping)
    {
        using var scope = _logger.BeginScope(new RoomLogScope(RoomId));
        _state = null;
        _instanceRecheckAt = null;
        _stopping = stopping;
        _askedAt = _time.GetUtcNow();
        _hibernateCheckAt = _askedAt + _options.HibernateAfter;
        _reloadAt = null;
        if (reload)
        {
            ScheduleReload();
        }

        if (failFirst)
        {
            await HandleOrAnswerAsync(new FailRoom(), stopping);
        }

        var reader = _mailbox.Reader;
        while (await reader.WaitToReadAsync(stopping))
        {
            while (reader.TryRead(out var command))
            {
                if (command is not ExpireDeadlines)
                {
                    _askedAt = _time.GetUtcNow();
                }

                await HandleOrAnswerAsync(command, stopping);
                // after every message, also those that changed nothing: a timer may have fired a little early
                ArmTimer();
            }

            if (_state is { IsLive: false } && TryClose())
            {
                RoomsLog.WorkerStopped(_logger);
                return;
            }

            if (IdleLongEnough() && TryClose())
            {
                Hibernate();
                return;
            }
        }
    }

    /// <summary>Answers what is left in the mailbox when the server stops.</summary>
    public void DrainOnStop()
    {
        lock (_gate)
        {
            _closed = true;
        }

        while (_mailbox.Reader.TryRead(out var command))
        {
            Answer(command, new RoomException(RoomErrorKind.Stopping, "The server is stopping; try again."));
        }
    }

    public void Dispose() => _timer?.Dispose();

    /// <summary>Handles a command; one that crashes the loop is answered before the crash goes on to the supervisor.</summary>
    private async Task HandleOrAnswerAsync(RoomCommand command, CancellationToken stopping)
    {
        try
        {
            await HandleAsync(command, stopping);
        }
        catch (Exception ex)
        {
            Answer(command, ex is OperationCanceledException && stopping.IsCancellationRequested
                ? new RoomException(RoomErrorKind.Stopping, "The server is stopping; try again.")
                : new RoomException(RoomErrorKind.Crashed, $"Room '{RoomId}' crashed on this request and was restarted from its last acknowledged state.", ex));
            throw;
        }
    }

    /// <summary>Answers a command that will not be handled; for a finished media request, the request waiting behind it.</summary>
    private void Answer(RoomCommand command, Exception error)
    {
        if (command is DisconnectParticipant gone && error is RoomException { Kind: RoomErrorKind.Unavailable })
        {
            _retryAfterReload.Add(new DisconnectParticipant(gone.ParticipantId, gone.ConnectionId));
        }

        command.Reply?.TrySetException(error);
        if (command is MediaCompleted done)
        {
            Interlocked.Decrement(ref _mediaPending);
            done.Request.Reply?.TrySetException(error);
        }
    }

    /// <summary>True once the room was asked nothing for <see cref="RoomsOptions.HibernateAfter"/> and waits on nothing.</summary>
    private bool IdleLongEnough()
    {
        if (_hibernateCheckAt is not { } checkAt || Volatile.Read(ref _mediaPending) > 0)
        {
            return false;
        }

        var now = _time.GetUtcNow();
        if (now < checkAt)
        {
            return false;
        }

        if (_state is not { IsLive: true })
        {
            // no state (the backup did not answer): keep looking, so that the deadlines this room may hold are not forgotten
            _hibernateCheckAt = now + _options.HibernateAfter!.Value;
            ArmTimer();
            return false;
        }

        var idleUntil = _askedAt + _options.HibernateAfter!.Value;
        if (now >= idleUntil)
        {
            return true;
        }

        // asked something since this check was armed: look again when that has been idle long enough
        _hibernateCheckAt = idleUntil;
        ArmTimer();
        return false;
    }

    /// <summary>Lets this worker go: its state is in the backup already; its next deadline goes to the shared wake-ups.</summary>
    private void Hibernate()
    {
        var due = NextDeadline();
        if (due is { } at)
        {
            _wakeUps.At(RoomId, at);
        }

        _timer?.Dispose();
        _timer = null;
        RoomsLog.WorkerHibernated(_logger, due);
    }

    private bool TryClose()
    {
        lock (_gate)
        {
            if (_mailbox.Reader.Count > 0)
            {
                return false;
            }

            _closed = true;
            return true;
        }
    }

    private async Task HandleAsync(RoomCommand command, CancellationToken stopping)
    {
        CurrentCommand = command.GetType().Name;
        var justLoaded = _state is null;
        if (justLoaded && !await TryInitAsync(command, stopping))
        {
            return;
        }

        if (command is ExpireDeadlines && _instanceRecheckAt <= _time.GetUtcNow())
        {
            try
            {
                await ReleaseDeadConnectionsAsync(stopping);
            }
            catch (StoreUnavailableException ex)
            {
                // not the room's fault: answered like any unavailable store, and the room reloads by itself
                RoomsLog.BackupUnavailable(_logger, ex);
                Unreachable(command, ex);
                _state = null;
                ScheduleReload();
                return;
            }
        }

        // a state read from the backup a moment ago needs no second look (the restore at start-up asks every room)
        if (command is GetStatus && !justLoaded && !await TryRefreshAsync(command, stopping))
        {
            return;
        }

        if (command is MediaRequest or MediaCompleted or RenegotiateMedia)
        {
            HandleMedia(command);
            return;
        }

        for (var attempt = 0; attempt <= MaxConflictRetries; attempt++)
        {
            var now = _time.GetUtcNow();
            RoomDecision decision;
            try
            {
                decision = RoomRules.Decide(_state!, command, now, _options);
                if (_faults.ShouldCrash(RoomId, command))
                {
                    throw new InjectedFaultException(RoomId);
                }
            }
            catch (RoomException ex)
            {
                command.Reply?.TrySetException(ex);
                return;
            }

            if (decision.Next is null)
            {
                command.Reply?.TrySetResult(decision.ReplyFor(_state!));
                return;
            }

            RoomState next;
            bool written;
            try
            {
                (next, written) = await WriteAsync(decision, now, stopping);
            }
            catch (StoreUnavailableException ex)
            {
                Unreachable(command, ex);
                throw new BackupUnavailableException(RoomId, ex);
            }

            if (written)
            {
                ReleaseMedia(_state!, next);
                _state = next;
                command.Reply?.TrySetResult(decision.ReplyFor(next));
                return;
            }

            // another writer (a worker of an older process, another instance) got there first: take its state and decide again
            RoomsLog.VersionConflict(_logger, command.GetType().Name);
            if (!await TryInitAsync(command, stopping))
            {
                return;
            }
        }

        command.Reply?.TrySetException(new RoomException(RoomErrorKind.Busy, $"Room '{RoomId}' is changing too fast; try again."));
    }

    /// <summary>Starts a media request without waiting for it: its outcome comes back as a <see cref="MediaCompleted"/> message.</summary>
    private void HandleMedia(RoomCommand command)
    {
        var state = _state!;
        switch (command)
        {
            case MediaCompleted done:
                Interlocked.Decrement(ref _mediaPending);
                if (done.Outcome.IsCompletedSuccessfully)
                {
                    done.Request.Reply?.TrySetResult(new RoomReply(RoomStatus.From(state), Sdp: done.Outcome.Result));
                    if (done.Request is PublishMedia published)
                    {
                        // the others may subscribe now
                        foreach (var p in state.Participants.Where(p => p.ParticipantId != published.ParticipantId))
                        {
                            _ = SignalQuietlyAsync(new SignalEnvelope(RoomId, p.ParticipantId, SignalEnvelope.MediaServer, "published", published.ParticipantId));
                        }
                    }
                }
                else
                {
                    var error = done.Outcome.Exception?.GetBaseException();
                    RoomsLog.MediaRequestFailed(_logger, error!, done.Request.GetType().Name);
                    done.Request.Reply?.TrySetException(error is MediaException { Unavailable: false } refused
                        ? new RoomException(RoomErrorKind.InvalidMedia, refused.Message)
                        : new RoomException(RoomErrorKind.MediaUnavailable, $"The media server is unavailable ({error?.Message}); try again.", error));
                }

                return;
            case RenegotiateMedia renegotiate:
                if (state.IsLive && state.CallId == renegotiate.CallId)
                {
                    RoomsLog.RenegotiationAsked(_logger, renegotiate.CallId, state.Participants.Count);
                    foreach (var p in state.Participants)
                    {
                        _ = SignalQuietlyAsync(new SignalEnvelope(RoomId, p.ParticipantId, SignalEnvelope.MediaServer, "renegotiate", renegotiate.CallId));
                    }
                }

                command.Reply?.TrySetResult(new RoomReply(RoomStatus.From(state)));
                return;
            case MediaRequest request:
                try
                {
                    MediaRules.Check(state, request);
                }
                catch (RoomException ex)
                {
                    request.Reply?.TrySetException(ex);
                    return;
                }

                var call = new MediaCall(RoomId, state.CallId!);
                var outcome = request switch
                {
                    PublishMedia p => Sdp(_media.PublishAsync(call, p.ParticipantId, state.Find(p.ParticipantId)!.DisplayName, p.SdpOffer, _stopping)),
                    SubscribeMedia s => Sdp(_media.SubscribeAsync(call, s.ParticipantId, s.PublisherId, _stopping)),
                    AnswerMedia a => NoSdp(_media.AnswerAsync(call, a.ParticipantId, a.PublisherId, a.SdpAnswer, _stopping)),
                    TrickleMedia t => NoSdp(_media.TrickleAsync(call, t.ParticipantId, t.Target, t.CandidateJson, _stopping)),
                    _ => throw new InvalidOperationException($"No media request {request.GetType().Name}."),
                };
                Interlocked.Increment(ref _mediaPending);
                outcome.ContinueWith(
                    t =>
                    {
                        if (!TryPost(new MediaCompleted(request, t)))
                        {
                            request.Reply?.TrySetException(new RoomException(RoomErrorKind.NotLive, $"Room '{RoomId}' has no live call."));
                        }
                    },
                    CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                return;
        }
    }

    /// <summary>Lets the media server release what participants who left, or a call that ended, had there.</summary>
    private void ReleaseMedia(RoomState before, RoomState after)
    {
        if (before.CallId is not { } callId || !before.IsLive)
        {
            return;
        }

        var call = new MediaCall(RoomId, callId);
        if (!after.IsLive || after.CallId != callId)
        {
            _ = QuietlyAsync(_media.CloseAsync(call, CancellationToken.None), "close");
            return;
        }

        foreach (var gone in before.Participants.Where(p => after.Find(p.ParticipantId) is null))
        {
            _ = QuietlyAsync(_media.LeaveAsync(call, gone.ParticipantId, CancellationToken.None), "leave");
        }
    }

    private async Task QuietlyAsync(Task task, string what)
    {
        try
        {
            await task;
        }
        catch (Exception ex)
        {
            RoomsLog.MediaRequestFailed(_logger, ex, what);
        }
    }

    private Task SignalQuietlyAsync(SignalEnvelope signal) =>
        QuietlyAsync(_signals.PublishAsync(signal, CancellationToken.None), signal.Type);

    private static async Task<string?> Sdp(Task<string> task) => await task;

    private static async Task<string?> NoSdp(Task task)
    {
        await task;
        return null;
    }

    /// <summary>
    /// Reads are answered from the backup's version: another instance may have changed the room since this worker last did
    /// (writes need no such check, the compare-and-set catches them).
    /// </summary>
    private async Task<bool> TryRefreshAsync(RoomCommand command, CancellationToken stopping)
    {
        try
        {
            if (await _backup.StoredVersionAsync(RoomId, stopping) == _state!.Version)
            {
                return true;
            }
        }
        catch (StoreUnavailableException ex)
        {
            Unreachable(command, ex);
            return false;
        }

        return await TryInitAsync(command, stopping);
    }

    /// <summary>The init callback: the state from the backup, connections of dead instances released, timers armed.</summary>
    private async Task<bool> TryInitAsync(RoomCommand command, CancellationToken stopping)
    {
        try
        {
            _state = await _backup.LoadAsync(RoomId, stopping) ?? RoomState.Empty(RoomId);
            await ReleaseDeadConnectionsAsync(stopping);
        }
        catch (StoreUnavailableException ex)
        {
            _state = null;
            RoomsLog.BackupUnavailable(_logger, ex);
            Unreachable(command, ex);
            ScheduleReload();
            return false;
        }

        _reloadAt = null;
        // disconnects that came while the backup did not answer: they must not be lost, or the participant stays connected
        _retryAfterReload.ForEach(d => TryPost(d));
        _retryAfterReload.Clear();
        return true;
    }

    private async Task ReleaseDeadConnectionsAsync(CancellationToken stopping)
    {
        _instanceRecheckAt = null;
        var others = _state!.Participants
            .Where(p => p.Presence == Presence.Connected && p.InstanceId is { } i && i != _instance.Id)
            .Select(p => p.InstanceId!)
            .ToList();
        if (others.Count == 0)
        {
            return;
        }

        if (_liveness.JudgeFrom > _time.GetUtcNow())
        {
            // just after an outage of the store, the others have not yet had the time to renew their keys
            _instanceRecheckAt = _liveness.JudgeFrom;
            return;
        }

        var dead = await _backup.DeadInstancesAsync(others, stopping);
        if (dead.Count < others.Distinct().Count())
        {
            // an instance that still looks alive may be one that was just killed: look again once its liveness key expired
            _instanceRecheckAt = _time.GetUtcNow() + _instanceTtl;
        }

        if (dead.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var decision = RoomRules.Decide(_state, new ReleaseDeadConnections(dead), now, _options);
        if (decision.Next is not null && await WriteAsync(decision, now, stopping) is (var next, true))
        {
            RoomsLog.ConnectionsReleased(_logger, decision.Events.Count);
            _state = next;
        }
    }

    /// <summary>Writes a decided state as the next version, in one compare-and-set step with its events and status.</summary>
    private async Task<(RoomState Next, bool Written)> WriteAsync(RoomDecision decision, DateTimeOffset now, CancellationToken stopping)
    {
        var next = decision.Next! with { Version = _state!.Version + 1, UpdatedAt = now };
        var result = await _backup.SaveAsync(_state.Version, next, decision.Events, TimeSpan.FromHours(_options.EndedRoomRetentionHours), stopping);
        return (next, result.Written);
    }

    /// <summary>The room's earliest deadline, or the re-check of other instances' connections (or a reload) if that comes first.</summary>
    private DateTimeOffset? NextDeadline()
    {
        if (_state is null)
        {
            return _reloadAt;
        }

        var due = _state.NextDeadline();
        return _instanceRecheckAt is { } recheck && (due is null || recheck < due) ? recheck : due;
    }

    /// <summary>Schedules an <see cref="ExpireDeadlines"/> message at the room's earliest deadline (timers live in the state).</summary>
    private void ArmTimer()
    {
        var due = NextDeadline();

        // a check that is due already is made once the mailbox is empty (IdleLongEnough), which moves it on
        if (_hibernateCheckAt is { } idle && idle > _time.GetUtcNow() && (due is null || idle < due))
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

        var delay = due.Value - _time.GetUtcNow();
        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        _timer ??= _time.CreateTimer(static w => ((RoomWorker)w!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        _timerDue = null;
        TryPost(new ExpireDeadlines());
    }

    private void ScheduleReload()
    {
        _reloadAt = _time.GetUtcNow() + (ReloadRetry * (0.8 + (Random.Shared.NextDouble() * 0.4)));
        ArmTimer();
    }

    /// <summary>
    /// The backup store did not answer: this command, and every one waiting behind it, is answered "unavailable" now rather
    /// than each waiting out a timeout of its own; a disconnect is kept and handled once the backup answers again.
    /// </summary>
    private void Unreachable(RoomCommand command, Exception ex)
    {
        Answer(command, Unavailable(ex));
        while (_mailbox.Reader.TryRead(out var waiting))
        {
            if (waiting is MediaCompleted { Outcome.IsCompletedSuccessfully: true } done)
            {
                // the media server did its part: its answer goes back as it is (the room's state is not needed for it)
                Interlocked.Decrement(ref _mediaPending);
                done.Request.Reply?.TrySetResult(new RoomReply(RoomStatus.From(_state ?? RoomState.Empty(RoomId)), Sdp: done.Outcome.Result));
                continue;
            }

            Answer(waiting, Unavailable(ex));
        }
    }

    private RoomException Unavailable(Exception ex) =>
        new(RoomErrorKind.Unavailable, $"The backup store is unavailable; room '{RoomId}' keeps its last acknowledged state. Try again.", ex);
}
