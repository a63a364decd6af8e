using CallServer.Domain.Backup;
using CallServer.Domain.Rooms.Commands;
using CallServer.Domain.Telemetry;

namespace CallServer.Domain.Rooms;

/// <summary>
/// The RoomServer of the talk: one per live room. Callers only post commands to its mailbox; one loop owns the state and
/// handles them one at a time, acknowledging each only after its outcome is in the backup. Its timers and hibernation are
/// its <see cref="RoomSchedule"/>, its conversation with the media server its <see cref="RoomMediaBridge"/>, its mailbox a
/// <see cref="RoomMailbox"/>. What stays here is what shares the state: the loop and the compare-and-set write with its retry;
/// the init callback and the handling of a store that does not answer are in RoomWorker.Backup.cs.
/// </summary>
internal sealed partial class RoomWorker : IDisposable
{
    private const int MaxConflictRetries = 3;

    private readonly RoomMailbox _mailbox;
    private readonly RoomWorkerServices _services;
    private readonly RoomSchedule _schedule;
    private readonly RoomMediaBridge _media;
    private readonly List<DisconnectParticipant> _retryAfterReload = [];
    private readonly ILogger _logger;
    private bool _justLoaded;
    private RoomState? _state;

    public RoomWorker(string roomId, RoomWorkerServices services)
    {
        RoomId = roomId;
        _services = services;
        _logger = services.Logger;
        _schedule = new RoomSchedule(roomId, services.Options, services.Time, services.WakeUps, () => TryPost(new ExpireDeadlines()));
        _media = new RoomMediaBridge(roomId, services.Media, services.Signals, services.Logger, TryPost);
        _mailbox = new RoomMailbox(roomId, services.Options.MailboxCapacity, Answer, () => services.Telemetry.MailboxDepth.Add(1));
    }

    public string RoomId { get; }

    /// <summary>The name of the command being handled, for crash logs.</summary>
    public string? CurrentCommand { get; private set; }

    /// <summary>How many commands wait in the mailbox.</summary>
    public int Queued => _mailbox.Count;

    /// <summary>Posts a command; false when this worker has stopped and a new one must be started.</summary>
    public bool TryPost(RoomCommand command) => _mailbox.TryPost(command);

    /// <summary>
    /// The loop. Returns when the call is over and the mailbox is empty (a normal stop), when the room hibernates, or when
    /// <paramref name="stopping"/> fires; throws when a command crashed it. Every (re)start reads the state from the backup;
    /// after the backup store failed (<paramref name="reload"/>) it does so soon by itself, so that deadlines still fire.
    /// </summary>
    public async Task RunAsync(bool failFirst, bool reload, CancellationToken stopping)
    {
        using var scope = _logger.BeginScope(new RoomLogScope(RoomId));
        SetState(null);
        _schedule.Start();
        if (reload)
        {
            _schedule.ReloadSoon(_state);
        }

        if (failFirst)
        {
            await HandleOrAnswerAsync(new FailRoom(), stopping);
        }

        while (await _mailbox.WaitToReadAsync(stopping))
        {
            while (_mailbox.TryRead(out var command))
            {
                _services.Telemetry.MailboxDepth.Add(-1);
                if (command is not RoomChange { IsAsked: false })
                {
                    _schedule.Asked();
                }

                if (!await TryGroupAsync(command, stopping))
                {
                    await HandleOrAnswerAsync(command, stopping);
                }

                if (!_schedule.SweepPlanned && HoldsLocalConnections())
                {
                    _schedule.SweepLater(true);
                }

                // after every message, also those that changed nothing: a timer may have fired a little early
                _schedule.Arm(_state);
            }

            if (_state is { IsLive: false } && _mailbox.TryClose())
            {
                RoomsLog.WorkerStopped(_logger);
                SetState(null);
                return;
            }

            if (_schedule.IdleLongEnough(_state, _media.Pending) && _mailbox.TryClose())
            {
                RoomsLog.WorkerHibernated(_logger, _schedule.Hibernate(_state));
                SetState(null);
                return;
            }
        }
    }

    /// <summary>Answers what is left in the mailbox when the server stops.</summary>
    public void DrainOnStop()
    {
        foreach (var command in _mailbox.Close())
        {
            _services.Telemetry.MailboxDepth.Add(-1);
            Answer(command, new RoomException(RoomErrorKind.Stopping, "The server is stopping; try again."));
        }
    }

    public void Dispose() => _schedule.Dispose();

    /// <summary>A change the rules decide, written to the backup by compare-and-set; a refused write re-reads and decides again.</summary>
    internal async Task ChangeAsync(RoomChange change, CancellationToken stopping)
    {
        if (!change.IsAsked && _schedule.InstancesDue && !await TryReleaseDeadConnectionsAsync(change, stopping))
        {
            return;
        }

        if (!change.IsAsked && _schedule.SweepDue)
        {
            SweepLostConnections();
        }

        if (!await IsCurrentAsync(change, stopping))
        {
            return;
        }

        for (var attempt = 0; attempt <= MaxConflictRetries; attempt++)
        {
            var now = _services.Time.GetUtcNow();
            RoomDecision decision;
            try
            {
                decision = RoomRules.Decide(_state!, change, now, _services.Options);
                if (_services.Faults.ShouldCrash(RoomId, change))
                {
                    throw new InjectedFaultException(RoomId);
                }
            }
            catch (RoomException ex)
            {
                change.Reply.TrySetException(ex);
                return;
            }

            if (decision.Next is null)
            {
                change.Reply.TrySetResult(decision.ReplyFor(_state!));
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
                Unreachable(change, ex);
                throw new BackupUnavailableException(RoomId, ex);
            }

            if (written)
            {
                _media.Release(_state!, next);
                SetState(next);
                change.Reply.TrySetResult(decision.ReplyFor(next));
                return;
            }

            // another writer (a worker of an older process, another instance) got there first: take its state and decide again
            RoomsLog.VersionConflict(_logger, change.GetType().Name);
            _services.Telemetry.Conflicts.Add(1);
            if (!await TryInitAsync(change, stopping))
            {
                return;
            }
        }

        if (change.MustDeliver)
        {
            // nobody would send it again: handled once more after what waits now
            RoomsLog.ChangeDeferred(_logger, change.GetType().Name, MaxConflictRetries + 1);
            TryPost(change);
            return;
        }

        change.Reply.TrySetException(new RoomException(RoomErrorKind.Busy, $"Room '{RoomId}' is changing too fast; try again."));
    }

    /// <summary>A message for the media bridge.</summary>
    internal async Task MediaAsync(MediaMessage message, CancellationToken stopping)
    {
        if (await IsCurrentAsync(message, stopping))
        {
            message.HandleBy(_media, _state!, stopping);
        }
    }

    /// <summary>Handles a command; one that crashes the loop is answered before the crash goes on to the supervisor.</summary>
    private async Task HandleOrAnswerAsync(RoomCommand command, CancellationToken stopping)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var span = StartSpan(command);
        try
        {
            await HandleCoreAsync(command, command.GetType().Name, stopping);
        }
        finally
        {
            Finish(command, started, span);
        }
    }

    /// <summary>A span per command, parented by the request or hub call that sent it (the worker does not flow their context).</summary>
    private System.Diagnostics.Activity? StartSpan(RoomCommand command)
    {
        var span = RoomTelemetry.Source.HasListeners()
            ? RoomTelemetry.Source.StartActivity(RoomTelemetry.SpanName(command.GetType()), System.Diagnostics.ActivityKind.Internal, command.Origin)
            : null;
        span?.SetTag("callserver.room.id", RoomId);
        return span;
    }

    /// <summary>The command's outcome on its span and in the command duration metric.</summary>
    private void Finish(RoomCommand command, long started, System.Diagnostics.Activity? span)
    {
        var outcome = command.Reply.Task.Status switch
        {
            TaskStatus.RanToCompletion => "ok",
            TaskStatus.Faulted => command.Reply.Task.Exception?.GetBaseException() is RoomException refused ? refused.Kind.ToString() : "error",
            _ => "pending",
        };
        span?.SetTag("callserver.outcome", outcome);
        span?.Dispose();
        _services.Telemetry.CommandDuration.Record(
            System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("command", command.GetType().Name),
            new KeyValuePair<string, object?>("outcome", outcome));
    }

    private async Task HandleCoreAsync(RoomCommand command, string name, CancellationToken stopping)
    {
        try
        {
            CurrentCommand = name;
            _justLoaded = _state is null;
            if (!_justLoaded || await TryInitAsync(command, stopping))
            {
                // the one place where a message meets its handling: a change for the rules, a media message for the bridge
                await command.DispatchAsync(this, stopping);
            }
        }
        catch (Exception ex)
        {
            Answer(command, Failure(ex, stopping));
            throw;
        }
    }

    /// <summary>What a command is told when its handling failed: the server is stopping, or the room crashed on it.</summary>
    private RoomException Failure(Exception ex, CancellationToken stopping) =>
        ex is OperationCanceledException && stopping.IsCancellationRequested
            ? new RoomException(RoomErrorKind.Stopping, "The server is stopping; try again.")
            : new RoomException(RoomErrorKind.Crashed, $"Room '{RoomId}' crashed on this request and was restarted from its last acknowledged state.", ex);

    /// <summary>Answers a command that will not be handled (a finished media request: the request behind it); keeps a lost disconnect.</summary>
    private void Answer(RoomCommand command, Exception error)
    {
        if (command is DisconnectParticipant gone && error is RoomException { Kind: RoomErrorKind.Unavailable })
        {
            _retryAfterReload.Add(new DisconnectParticipant(gone.ParticipantId, gone.ConnectionId));
        }

        command.Reply.TrySetException(error);
        if (command is MediaCompleted done)
        {
            _media.Abandoned(done, error, _state);
        }
    }

    /// <summary>Writes a decided state as the next version, in one compare-and-set step with its events and status.</summary>
    private async Task<(RoomState Next, bool Written)> WriteAsync(RoomDecision decision, DateTimeOffset now, CancellationToken stopping)
    {
        var next = decision.Next! with { Version = _state!.Version + 1, UpdatedAt = now };
        var result = await _services.Backup.SaveAsync(
            _state.Version, next, decision.Events, TimeSpan.FromHours(_services.Options.EndedRoomRetentionHours), stopping);
        return (next, result.Written);
    }

    /// <summary>The worker's state from now on; the participant counts follow it.</summary>
    private void SetState(RoomState? next)
    {
        _services.Telemetry.StateChanged(_state, next);
        _state = next;
    }
}
