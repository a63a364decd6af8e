using CallServer.Domain.Backup;
using CallServer.Domain.Rooms.Commands;

namespace CallServer.Domain.Rooms;

/// <summary>
/// The worker's reads of its backup: the init callback (load, look for connections of dead instances), the refresh before a
/// change that must see the stored state, and what happens when the store does not answer (everything waiting is answered at
/// once, and the room reloads by itself soon).
/// </summary>
internal sealed partial class RoomWorker
{
    /// <summary>
    /// The backup store did not answer: this command, and every one waiting behind it, is answered "unavailable" now rather
    /// than each waiting out a timeout of its own; a disconnect is kept and handled once the backup answers again.
    /// </summary>
    private void Unreachable(RoomCommand command, StoreUnavailableException ex)
    {
        Answer(command, Unavailable(ex));
        while (_mailbox.TryRead(out var waiting))
        {
            Answer(waiting, Unavailable(ex));
        }
    }

    /// <summary>
    /// True when the worker's state may decide <paramref name="command"/>: always for a write; for a read or a check, once the
    /// state is the stored version (a state read from the backup a moment ago needs no second look; the restore at start-up
    /// asks every room). False when the store did not answer: the command was answered.
    /// </summary>
    private Task<bool> IsCurrentAsync(RoomCommand command, CancellationToken stopping) =>
        !command.ReadsBackup || _justLoaded ? Task.FromResult(true) : TryRefreshAsync(command, stopping);

    /// <summary>
    /// Reads are answered from the backup's version: another instance may have changed the room since this worker last did
    /// (writes need no such check, the compare-and-set catches them).
    /// </summary>
    private async Task<bool> TryRefreshAsync(RoomCommand command, CancellationToken stopping)
    {
        try
        {
            if (await _services.Backup.StoredVersionAsync(RoomId, stopping) == _state!.Version)
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

    /// <summary>The init callback: the state from the backup, connections of dead instances released (posted), timers armed.</summary>
    private async Task<bool> TryInitAsync(RoomCommand command, CancellationToken stopping)
    {
        try
        {
            SetState(await _services.Backup.LoadAsync(RoomId, stopping) ?? RoomState.Empty(RoomId));
            await ReleaseDeadConnectionsAsync(stopping);
        }
        catch (StoreUnavailableException ex)
        {
            LoadFailed(command, ex);
            return false;
        }

        SweepLostConnections();

        _schedule.Loaded();
        // disconnects that came while the backup did not answer: they must not be lost, or the participant stays connected
        _retryAfterReload.ForEach(d => TryPost(d));
        _retryAfterReload.Clear();
        return true;
    }

    /// <summary>On a timer tick: connections of other instances that died are looked for, and their release posted.</summary>
    private async Task<bool> TryReleaseDeadConnectionsAsync(RoomCommand command, CancellationToken stopping)
    {
        try
        {
            await ReleaseDeadConnectionsAsync(stopping);
            return true;
        }
        catch (StoreUnavailableException ex)
        {
            // not the room's fault: answered like any unavailable store, and the room reloads by itself
            LoadFailed(command, ex);
            return false;
        }
    }

    /// <summary>The store did not answer a read: everything waiting is answered, and the room reloads by itself soon.</summary>
    private void LoadFailed(RoomCommand command, StoreUnavailableException ex)
    {
        SetState(null);
        RoomsLog.BackupUnavailable(_logger, ex);
        Unreachable(command, ex);
        _schedule.ReloadSoon(_state);
    }

    /// <summary>
    /// Finds the instances holding this room's connections that are gone (the one read this needs) and posts their release to
    /// the mailbox: the rules decide it in turn, against the state of that moment, and it is written like any other change.
    /// </summary>
    private async Task ReleaseDeadConnectionsAsync(CancellationToken stopping)
    {
        _schedule.RecheckInstancesAt(null);
        var instance = _services.Instance.Id;
        var others = _state!.Participants
            .Where(p => p.Presence == Presence.Connected && p.InstanceId is { } i && i != instance)
            .Select(p => p.InstanceId!)
            .ToList();
        if (others.Count == 0)
        {
            return;
        }

        var now = _services.Time.GetUtcNow();
        if (_services.Liveness.JudgeFrom > now)
        {
            // during or just after an outage of the store, the others have not had the time to renew their keys: look again later
            // (while this instance's heartbeat fails, JudgeFrom is "never": a TTL from now, then)
            var judgeFrom = _services.Liveness.JudgeFrom;
            _schedule.RecheckInstancesAt(judgeFrom - now < _services.InstanceTtl ? judgeFrom : now + _services.InstanceTtl);
            return;
        }

        var dead = await _services.Backup.DeadInstancesAsync(others, stopping);
        if (dead.Count < others.Distinct().Count())
        {
            // an instance that still looks alive may be one that was just killed: look again once its liveness key expired
            _schedule.RecheckInstancesAt(now + _services.InstanceTtl);
        }

        if (dead.Count == 0)
        {
            return;
        }

        var release = new ReleaseDeadConnections(dead);
        TryPost(release);
        if (release.Reply.Task.IsFaulted)
        {
            // a full mailbox answered it "busy": the next tick looks again
            _schedule.RecheckInstancesAt(now + _services.Options.ReconnectGrace);
        }
        else
        {
            RoomsLog.ConnectionsReleased(_logger, dead.Count);
        }
    }

    /// <summary>
    /// Participants held as connected through this instance by a connection it no longer holds (its close never reached the
    /// room): their disconnects are posted, so that they go through their grace like any dropped connection.
    /// </summary>
    private void SweepLostConnections()
    {
        var instance = _services.Instance.Id;
        var mine = _state!.Participants.Where(p => p.Presence == Presence.Connected && p.InstanceId == instance && p.ConnectionId is not null).ToList();
        foreach (var p in mine.Where(p => !_services.Connections.Holds(RoomId, p.ConnectionId!)))
        {
            RoomsLog.ConnectionLost(_logger, p.ParticipantId, p.ConnectionId!);
            TryPost(new DisconnectParticipant(p.ParticipantId, p.ConnectionId!));
        }

        _schedule.SweepLater(mine.Count > 0);
    }

    /// <summary>True when a participant of the room is connected through this instance.</summary>
    private bool HoldsLocalConnections() =>
        _state is { } state && state.Participants.Any(p => p.Presence == Presence.Connected && p.InstanceId == _services.Instance.Id);

    private RoomException Unavailable(Exception? ex) =>
        new(RoomErrorKind.Unavailable, $"The backup store is unavailable; room '{RoomId}' keeps its last acknowledged state. Try again.", ex);
}
