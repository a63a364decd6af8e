using System.Collections.Immutable;
using CallServer.Domain.Rooms.Commands;

namespace CallServer.Domain.Rooms;

/// <summary>What each command does to a room's state: pure functions, no I/O; the worker applies and backs up the result.</summary>
internal static partial class RoomRules
{
    /// <summary>What <paramref name="command"/> does to <paramref name="state"/> at <paramref name="now"/>: each command names its rule.</summary>
    /// <param name="ids">Where new ids come from; by default unguessable ones (tests pass seeded ones).</param>
    public static RoomDecision Decide(RoomState state, RoomChange command, DateTimeOffset now, RoomsOptions options, RoomIds? ids = null) =>
        command.Decide(state, new RuleContext(now, options, new RoomEventLog(state, now), ids ?? RoomIds.Unguessable));

    internal static RoomDecision Join(RoomState state, JoinRoom join, RuleContext context)
    {
        var (now, options, log, ids) = context;
        if (state.IsLive && join.JoinKey is not null && state.Participants.Find(p => p.JoinKey == join.JoinKey) is { } again)
        {
            // a retried join whose first answer was lost: the same participant, never a second one; and never someone else's
            return again.Identity == join.Who?.Identity && again.DisplayName == join.DisplayName
                ? RoomDecision.Unchanged(again)
                : throw new RoomException(RoomErrorKind.KeyReused, "This Idempotency-Key joined someone else, or with another display name; send a new key.");
        }

        var next = state;
        if (join.Who is { } banned && state.Bans?.GetValueOrDefault(banned.Identity) is { } until && until > now)
        {
            throw new RoomException(RoomErrorKind.Banned, $"'{banned.Identity}' was removed from this call and may rejoin it after {until:u}.");
        }

        if (state.IsLive && join.Who is { } who && state.Participants.Find(p => p.Identity == who.Identity) is { } older)
        {
            // one participant per identity: the older one gives way to the new one, and the call goes on
            next = WithParticipants(next, next.Participants.Remove(older));
            next = log.Add(next, new ParticipantLeft(LeaveReasons.Replaced), older.ParticipantId);
        }

        if (!state.IsLive)
        {
            next = state with
            {
                CallId = ids.NewCallId(now),
                Phase = RoomPhase.Waiting,
                Participants = [],
                CreatedAt = now,
                EventSeq = 0,
                EndReason = null,
                // a ban outlives the call a kick ended, until it expires
                Bans = state.Bans?.Where(b => b.Value > now).ToImmutableDictionary() is { Count: > 0 } kept ? kept : null,
                LeaveKeys = null,
                Invitations = null,
                Dialed = false,
            };
            next = log.Add(next, new CallStarted(), null);
        }
        else if (next.Participants.Count >= options.MaxParticipants)
        {
            throw new RoomException(RoomErrorKind.Full, $"Room '{state.RoomId}' is full ({options.MaxParticipants} participants).");
        }

        // as the join asks, and without the publish grant with its microphone and camera off
        var grants = join.Who?.Grants ?? ParticipantGrants.Default;
        var participant = new Participant(
            join.ParticipantId ?? ids.NewParticipantId(), join.DisplayName, Presence.Joining, Audio: grants.Publish && join.Audio, Video: grants.Publish && join.Video, now,
            Deadline: now + options.JoinTimeout, JoinKey: join.JoinKey, Identity: join.Who?.Identity, Metadata: join.Who?.Metadata,
            Grants: join.Who?.Grants);
        next = WithParticipants(next, next.Participants.Add(participant));
        next = log.Add(next, new ParticipantJoined(participant.DisplayName, participant.Audio, participant.Video), participant.ParticipantId);
        return new RoomDecision(next, log.Events, participant);
    }

    internal static RoomDecision JoinAndConnect(RoomState state, JoinAndConnect command, RuleContext context)
    {
        // the join's events and the connect's go in the same log: one version carries both
        var joined = Join(state, command.Join, context);
        var participantId = joined.Participant!.ParticipantId;
        if (joined.Next is null && command.RefuseReconnect?.Invoke(participantId) is { } why)
        {
            // a retried key brings back a participant already in the room: its limits hold as for a connect with its token
            throw new RoomException(RoomErrorKind.RateLimited, why);
        }

        var connected = Connect(joined.Next ?? state, new ConnectParticipant(participantId, command.ConnectionId, command.InstanceId), context);
        return connected with { Participant = connected.Next!.Find(participantId) };
    }

    internal static RoomDecision Connect(RoomState state, ConnectParticipant connect, RuleContext context)
    {
        var log = context.Log;
        var p = RequireCaller(state, connect.ParticipantId);
        var wasConnected = p.Presence == Presence.Connected;
        var next = Replace(state, p with
        {
            Presence = Presence.Connected,
            Deadline = null,
            ConnectionId = connect.ConnectionId,
            InstanceId = connect.InstanceId,
        });
        if (!wasConnected)
        {
            next = log.Add(next, new ParticipantConnected(), p.ParticipantId);
        }

        return new RoomDecision(next, log.Events, p);
    }

    internal static RoomDecision Disconnect(RoomState state, DisconnectParticipant disconnect, RuleContext context)
    {
        // a newer connection may already hold the participant: only its own connection's close counts
        if (state.Find(disconnect.ParticipantId) is not { } p || p.ConnectionId != disconnect.ConnectionId)
        {
            return RoomDecision.Unchanged();
        }

        return StartGrace(state, [p], context);
    }

    internal static RoomDecision Release(RoomState state, ReleaseDeadConnections release, RuleContext context)
    {
        var dead = state.Participants
            .Where(p => p.Presence == Presence.Connected && p.InstanceId is { } i && release.DeadInstances.Contains(i))
            .ToList();
        return dead.Count == 0 ? RoomDecision.Unchanged() : StartGrace(state, dead, context);
    }

    private static RoomDecision StartGrace(RoomState state, List<Participant> participants, RuleContext context)
    {
        var (now, options, log, _) = context;
        var next = state;
        foreach (var p in participants)
        {
            next = Replace(next, p with
            {
                Presence = Presence.Reconnecting,
                Deadline = now + options.ReconnectGrace,
                ConnectionId = null,
                InstanceId = null,
            });
            next = log.Add(next, new ParticipantReconnecting(), p.ParticipantId);
        }

        return new RoomDecision(next, log.Events);
    }

    internal static RoomDecision Media(RoomState state, SetMedia media, RuleContext context)
    {
        var log = context.Log;
        var p = RequireCaller(state, media.ParticipantId);
        if (p.Audio == media.Audio && p.Video == media.Video)
        {
            return RoomDecision.Unchanged(p);
        }

        if (!p.Rights.Publish && ((media.Audio && !p.Audio) || (media.Video && !p.Video)))
        {
            throw new RoomException(RoomErrorKind.NotAllowed, "This participant may not publish: it may only turn its media off.");
        }

        var next = Replace(state, p with { Audio = media.Audio, Video = media.Video });
        next = log.Add(next, new MediaChanged(media.Audio, media.Video), p.ParticipantId);
        return new RoomDecision(next, log.Events, p);
    }

    internal static RoomDecision CheckMember(RoomState state, CheckMember member) =>
        (state.IsLive ? state.Find(member.ParticipantId) : null) is { } p
            ? RoomDecision.Unchanged(p)
            : throw NotInRoom(state, member.ParticipantId);

    internal static RoomDecision CheckPeers(RoomState state, CheckPeers peers)
    {
        if (peers.Offer && !RequireCaller(state, peers.From).Rights.Publish)
        {
            throw new RoomException(RoomErrorKind.NotAllowed, "This participant may not publish: it may not send offers.");
        }

        RequireCaller(state, peers.From);
        if (peers.Offer && state.Find(peers.To) is { Rights.Subscribe: false })
        {
            throw new RoomException(RoomErrorKind.NotAllowed, "That participant may not subscribe: it takes no offers.");
        }

        if (peers.From == peers.To)
        {
            throw new RoomException(RoomErrorKind.InvalidRequest, "A participant cannot signal itself.");
        }

        return RoomDecision.Unchanged(Require(state, peers.To));
    }

    /// <summary>Removes participants for one reason; the call ends with the last of them.</summary>
    internal static RoomDecision Remove(RoomState state, IReadOnlyCollection<string> participantIds, string reason, RuleContext context)
    {
        var log = context.Log;
        var leaving = state.Participants.Where(p => participantIds.Contains(p.ParticipantId)).ToList();
        if (!state.IsLive || (leaving.Count == 0 && reason != LeaveReasons.Failed))
        {
            return RoomDecision.Unchanged();
        }

        var next = state;
        foreach (var p in leaving)
        {
            next = WithParticipants(next, next.Participants.Remove(p));
            next = log.Add(next, new ParticipantLeft(reason), p.ParticipantId);
        }

        if (next.Participants.Count == 0)
        {
            next = CancelRings(next, [.. leaving.Select(p => p.ParticipantId)], reason, context);
            var endReason = reason is LeaveReasons.Ended or LeaveReasons.Failed ? reason : LeaveReasons.Empty;
            next = next with { Phase = reason == LeaveReasons.Failed ? RoomPhase.Failed : RoomPhase.Ended, EndReason = endReason };
            next = log.Add(next, new CallEnded(endReason, (long)(context.Now - state.CreatedAt).TotalSeconds), null);
        }

        return new RoomDecision(next, log.Events);
    }

    internal static List<string> Expired(RoomState state, DateTimeOffset now) =>
        [.. state.Participants.Where(p => p.Deadline is { } d && d <= now).Select(p => p.ParticipantId)];

    internal static RoomDecision RequireLive(RoomState state, RoomDecision decision) =>
        state.IsLive ? decision : throw new RoomException(RoomErrorKind.NotLive, $"Room '{state.RoomId}' has no live call.");

    /// <summary>The caller of a command, which must still be in the room.</summary>
    internal static Participant RequireCaller(RoomState state, string participantId) =>
        (state.IsLive ? state.Find(participantId) : null) ?? throw NotInRoom(state, participantId);

    internal static RoomException NotInRoom(RoomState state, string participantId) =>
        new(RoomErrorKind.NotInRoom, $"Participant '{participantId}' is no longer in room '{state.RoomId}': join again.");

    /// <summary>A participant a command names (a target), which must be in the room.</summary>
    private static Participant Require(RoomState state, string participantId) =>
        (state.IsLive ? state.Find(participantId) : null)
        ?? throw new RoomException(RoomErrorKind.UnknownParticipant, $"Participant '{participantId}' is not in room '{state.RoomId}'.");

    private static RoomState Replace(RoomState state, Participant participant) =>
        state with { Participants = state.Participants.Replace(state.Find(participant.ParticipantId)!, participant) };

    private static RoomState WithParticipants(RoomState state, ImmutableList<Participant> participants) =>
        state with
        {
            Participants = participants,
            Phase = participants.Count >= 2 ? RoomPhase.Active : participants.Count == 1 ? RoomPhase.Waiting : state.Phase,
        };

}
