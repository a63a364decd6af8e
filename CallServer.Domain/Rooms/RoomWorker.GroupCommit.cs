using CallServer.Domain.Backup;
using CallServer.Domain.Rooms.Commands;
using CallServer.Domain.Telemetry;

namespace CallServer.Domain.Rooms;

/// <summary>
/// Group commit: when changes wait in the mailbox behind the one being handled, the worker decides them one after another
/// (each its own version, each its own answer) and backs them all up in one write, the last snapshot with every event and
/// each change's status in order; every one is answered only after that write. Acknowledged still means backed up.
/// </summary>
internal sealed partial class RoomWorker
{
    /// <summary>The most changes one write carries.</summary>
    internal const int MaxGroup = 32;

    /// <summary>
    /// A change that may join a group: asked by a client (timer ticks look at other instances and connections first), not a
    /// read of the stored version, and not the chaos command. The state must be loaded.
    /// </summary>
    private bool Groups(RoomCommand command) =>
        _state is not null && command is RoomChange { IsAsked: true, ReadsBackup: false } and not CrashRoom;

    /// <summary>
    /// Handles <paramref name="first"/> with the changes that wait behind it in one write, when at least one does; false when
    /// none does (the caller handles it alone).
    /// </summary>
    private async Task<bool> TryGroupAsync(RoomCommand first, CancellationToken stopping)
    {
        if (!Groups(first) || !_mailbox.TryPeek(out var second) || !Groups(second))
        {
            return false;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var now = _services.Time.GetUtcNow();
        var members = new List<Member>(4);
        var steps = new List<BackupStep>(4);
        var state = _state!;
        var candidate = (RoomChange)first;
        var spans = new List<System.Diagnostics.Activity?>(4);
        while (true)
        {
            CurrentCommand = candidate.GetType().Name;
            RoomDecision? decision = null;
            RoomException? refused = null;
            try
            {
                decision = RoomRules.Decide(state, candidate, now, _services.Options);
                if (_services.Faults.ShouldCrash(RoomId, candidate))
                {
                    throw new InjectedFaultException(RoomId);
                }
            }
            catch (RoomException ex)
            {
                refused = ex;
            }
            catch (Exception ex) when (members.Count > 0)
            {
                // it crashes the room: left in the mailbox, to crash it on its own after the group is written
                RoomsLog.GroupCutShort(_logger, ex.GetType().Name);
                break;
            }
            catch (Exception ex)
            {
                Answer(candidate, Failure(ex, stopping));
                Finish(candidate, started, StartSpan(candidate));
                throw;
            }

            spans.Add(StartSpan(candidate));
            if (members.Count > 0)
            {
                // the peeked change is the next one: the worker is the mailbox's only reader
                _mailbox.TryRead(out _);
                _services.Telemetry.MailboxDepth.Add(-1);
                _schedule.Asked();
            }

            if (decision?.Next is { } next)
            {
                state = next with { Version = state.Version + 1, UpdatedAt = now };
                steps.Add(new BackupStep(state, decision.Events));
            }

            members.Add(new Member(candidate, decision, refused, state));
            if (members.Count == MaxGroup || !_mailbox.TryPeek(out var more) || !Groups(more))
            {
                break;
            }

            candidate = (RoomChange)more;
        }

        try
        {
            await CommitAsync(members, steps, stopping);
        }
        catch (Exception ex) when (ex is not BackupUnavailableException)
        {
            // the write or a re-decision failed otherwise (the server stopping, a store error that is not an outage): every
            // change of the group still waiting is answered, as a command handled alone would be, and the crash goes on
            foreach (var member in members.Where(m => !m.Change.Reply.Task.IsCompleted))
            {
                Answer(member.Change, Failure(ex, stopping));
            }

            throw;
        }
        finally
        {
            for (var i = 0; i < members.Count; i++)
            {
                Finish(members[i].Change, started, spans[i]);
            }
        }

        return true;
    }

    /// <summary>Writes a group's changes in one step and answers each; a refused write hands every change back to be decided alone.</summary>
    private async Task CommitAsync(List<Member> members, List<BackupStep> steps, CancellationToken stopping)
    {
        if (steps.Count > 0)
        {
            BackupWriteResult result;
            try
            {
                result = await _services.Backup.SaveAsync(
                    _state!.Version, steps, TimeSpan.FromHours(_services.Options.EndedRoomRetentionHours), stopping);
            }
            catch (StoreUnavailableException ex)
            {
                members.Skip(1).ToList().ForEach(m => Answer(m.Change, Unavailable(ex)));
                Unreachable(members[0].Change, ex);
                throw new BackupUnavailableException(RoomId, ex);
            }

            if (!result.Written)
            {
                // another writer got there first: each change is decided again, alone, against the stored state
                RoomsLog.VersionConflict(_logger, "group");
                _services.Telemetry.Conflicts.Add(1);
                await RedecideAsync(members, stopping);
                return;
            }

            var previous = _state!;
            foreach (var step in steps)
            {
                _media.Release(previous, step.Next);
                previous = step.Next;
            }

            SetState(steps[^1].Next);
            _services.Telemetry.GroupCommits.Record(steps.Count);
        }

        foreach (var member in members)
        {
            if (member.Refused is { } refused)
            {
                member.Change.Reply.TrySetException(refused);
            }
            else
            {
                member.Change.Reply.TrySetResult(member.Decision!.ReplyFor(member.After));
            }
        }
    }

    /// <summary>
    /// After a refused group write: the room reloaded, then each change of the group handled alone, in order. When the store
    /// stops answering on the way (the change that met it was answered with everything in the mailbox), the changes not yet
    /// handled are answered so too.
    /// </summary>
    private async Task RedecideAsync(List<Member> members, CancellationToken stopping)
    {
        for (var i = 0; i < members.Count; i++)
        {
            var change = members[i].Change;
            bool ready;
            try
            {
                ready = (i > 0 || await TryInitAsync(change, stopping)) && _state is not null;
                if (ready)
                {
                    await ChangeAsync(change, stopping);
                    ready = _state is not null;
                }
            }
            catch (BackupUnavailableException)
            {
                AnswerUnavailable(members.Skip(i + 1));
                throw;
            }

            if (!ready)
            {
                AnswerUnavailable(members.Skip(i + 1));
                return;
            }
        }
    }

    private void AnswerUnavailable(IEnumerable<Member> members)
    {
        foreach (var member in members.Where(m => !m.Change.Reply.Task.IsCompleted))
        {
            Answer(member.Change, Unavailable(null));
        }
    }

    /// <summary>A change of a group: how it was decided, and the room's state after it (its answer is given from that state).</summary>
    private sealed record Member(RoomChange Change, RoomDecision? Decision, RoomException? Refused, RoomState After);
}
