using CallServer.Domain.Backup;
using CallServer.Domain.Media;
using CallServer.Domain.Rooms.Commands;

namespace CallServer.Domain.Rooms;

/// <summary>
/// A room's conversation with the media server, asynchronous as in the talk: a request is started and never awaited by the
/// worker; its outcome comes back through the mailbox as a <see cref="MediaCompleted"/>, which answers the caller. Also lets
/// the media server release what leavers and ended calls held, and passes on lost media as a request to renegotiate.
/// </summary>
internal sealed class RoomMediaBridge(string roomId, IMediaServer media, ISignalPublisher signals, ILogger logger, Func<RoomCommand, bool> post)
{
    private int _pending;

    /// <summary>True while a request waits for the media server (the room must not hibernate then).</summary>
    public bool Pending => Volatile.Read(ref _pending) > 0;

    /// <summary>Checks a request and starts it.</summary>
    public void Request(MediaRequest request, RoomState state, CancellationToken stopping)
    {
        try
        {
            MediaRules.Check(state, request);
        }
        catch (RoomException ex)
        {
            request.Reply.TrySetException(ex);
            return;
        }

        var outcome = request.SendAsync(media, new MediaCall(roomId, state.CallId!), state, stopping);
        Interlocked.Increment(ref _pending);
        outcome.ContinueWith(
            t =>
            {
                if (!post(new MediaCompleted(request, t)))
                {
                    Interlocked.Decrement(ref _pending);
                    request.Reply.TrySetException(new RoomException(RoomErrorKind.NotLive, $"Room '{roomId}' has no live call."));
                }
            },
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Answers the request with the media server's answer; a publisher that is up tells the others to subscribe.</summary>
    public void Completed(MediaCompleted done, RoomState state)
    {
        Interlocked.Decrement(ref _pending);
        if (!done.Outcome.IsCompletedSuccessfully)
        {
            var error = done.Outcome.Exception?.GetBaseException();
            RoomsLog.MediaRequestFailed(logger, error!, done.Request.GetType().Name);
            done.Request.Reply.TrySetException(error is MediaException { Unavailable: false } refused
                ? new RoomException(RoomErrorKind.InvalidMedia, refused.Message)
                // the details (the media server's address, its own words) go to the log above, not to participants
                : new RoomException(RoomErrorKind.MediaUnavailable, "The media server is unavailable or at capacity; try again.", error));
            return;
        }

        done.Request.Reply.TrySetResult(new RoomReply(RoomStatus.From(state), Sdp: done.Outcome.Result));
        if (done.Request is PublishMedia published)
        {
            foreach (var p in state.Participants.Where(p => p.ParticipantId != published.ParticipantId))
            {
                Signal(p.ParticipantId, "published", published.ParticipantId);
            }
        }
    }

    /// <summary>A finished request that cannot be handled as usual (the room is stopping, its backup does not answer).</summary>
    public void Abandoned(MediaCompleted done, Exception error, RoomState? lastKnown)
    {
        Interlocked.Decrement(ref _pending);
        if (done.Outcome.IsCompletedSuccessfully)
        {
            // the media server did its part: its answer goes back as it is (the room's state is not needed for it)
            done.Request.Reply.TrySetResult(new RoomReply(RoomStatus.From(lastKnown ?? RoomState.Empty(roomId)), Sdp: done.Outcome.Result));
        }
        else
        {
            done.Request.Reply.TrySetException(error);
        }
    }

    /// <summary>The media server lost the call's media: every participant is asked to publish and subscribe again.</summary>
    public void Renegotiate(RenegotiateMedia renegotiate, RoomState state)
    {
        if (state.IsLive && state.CallId == renegotiate.CallId)
        {
            RoomsLog.RenegotiationAsked(logger, renegotiate.CallId, state.Participants.Count);
            foreach (var p in state.Participants)
            {
                Signal(p.ParticipantId, "renegotiate", renegotiate.CallId);
            }
        }

        renegotiate.Reply.TrySetResult(new RoomReply(RoomStatus.From(state)));
    }

    /// <summary>Lets the media server release what participants who left, or a call that ended, had there.</summary>
    public void Release(RoomState before, RoomState after)
    {
        if (before.CallId is not { } callId || !before.IsLive)
        {
            return;
        }

        var call = new MediaCall(roomId, callId);
        if (!after.IsLive || after.CallId != callId)
        {
            _ = QuietlyAsync(media.CloseAsync(call, CancellationToken.None), "close");
            return;
        }

        foreach (var gone in before.Participants.Where(p => after.Find(p.ParticipantId) is null))
        {
            _ = QuietlyAsync(media.LeaveAsync(call, gone.ParticipantId, CancellationToken.None), "leave");
        }
    }

    private void Signal(string to, string type, string payload) =>
        _ = QuietlyAsync(signals.PublishAsync(new SignalEnvelope(roomId, to, SignalEnvelope.MediaServer, type, payload), CancellationToken.None), type);

    private async Task QuietlyAsync(Task task, string what)
    {
        try
        {
            await task;
        }
        catch (Exception ex)
        {
            RoomsLog.MediaRequestFailed(logger, ex, what);
        }
    }
}
