using CallServer.Domain.Rooms.Commands;

namespace CallServer.Domain.Rooms;

/// <summary>
/// The rules of ringing (docs/API.md §9): invitations made, answered, canceled and missed, and the end of a dialed call nobody
/// answered. Each change is one decision of the room like any other: a version, its events, its status.
/// </summary>
internal static partial class RoomRules
{
    /// <summary>Invitations a room may have ringing at once, and in one call.</summary>
    public const int MaxRinging = 16;

    public const int MaxInvitationsPerCall = 64;

    internal static RoomDecision Invite(RoomState state, Invite invite, RuleContext context)
    {
        var caller = RequireCaller(state, invite.ByParticipantId);
        var next = AddInvitations(state, caller, invite.To, invite.RingSeconds, invite.Metadata, context);
        return new RoomDecision(next, context.Log.Events, caller);
    }

    /// <summary>A new call made to ring: the caller joins a fresh room, and its invitations ring.</summary>
    internal static RoomDecision Dial(RoomState state, Dial dial, RuleContext context)
    {
        if (state.IsLive && (dial.Join.JoinKey is null || state.Participants.All(p => p.JoinKey != dial.Join.JoinKey)))
        {
            throw new RoomException(RoomErrorKind.InvitationConflict, $"Room '{state.RoomId}' has a call already.");
        }

        if (!state.IsLive && state.CallId is not null)
        {
            // a keyed dial retried after its call ended (declined, missed): it must not ring everyone again
            throw new RoomException(RoomErrorKind.InvitationConflict, "This dial's call has ended; dial again with a new Idempotency-Key.");
        }

        var joined = Join(state, dial.Join, context);
        if (joined.Next is not { } next)
        {
            // a retried dial whose first answer was lost: the same caller, and its invitations as they stand
            return joined;
        }

        next = AddInvitations(next with { Dialed = true }, joined.Participant!, dial.To, dial.RingSeconds, dial.Metadata, context);
        return new RoomDecision(next, context.Log.Events, joined.Participant);
    }

    /// <summary>The invitee answers: it joins the room under the join rules, and its invitation ends <c>accepted</c>.</summary>
    internal static RoomDecision Accept(RoomState state, AcceptInvitation accept, RuleContext context)
    {
        // the invitation must be the caller's before anything else is said about it
        var invitation = Own(state, accept.InvitationId, accept.Join.Who?.Identity);
        if (invitation.State == InvitationStates.Accepted && accept.Join.JoinKey is not null && state.IsLive
            && state.Participants.Find(p => p.JoinKey == accept.Join.JoinKey && p.Identity == invitation.To) is { } again)
        {
            // the retry of an accept whose answer was lost
            return RoomDecision.Unchanged(again);
        }

        RequireRinging(invitation);
        var joined = Join(state, accept.Join, context);
        var next = End(joined.Next!, invitation, InvitationStates.Accepted, null, context);
        return new RoomDecision(next, context.Log.Events, joined.Participant);
    }

    /// <summary>The invitee declines (<c>declined</c>, or <c>busy</c>: in another call).</summary>
    internal static RoomDecision Decline(RoomState state, DeclineInvitation decline, RuleContext context)
    {
        if (decline.State is not (InvitationStates.Declined or InvitationStates.Busy))
        {
            throw new RoomException(RoomErrorKind.InvalidRequest, "reason is declined or busy.");
        }

        var invitation = RequireOwn(state, decline.InvitationId, decline.Identity);
        var next = End(state, invitation, decline.State, null, context);
        return new RoomDecision(AnsweredByNobody(next, context), context.Log.Events);
    }

    /// <summary>The caller, a moderator or the admin key (<see cref="CancelInvitation.ByParticipantId"/> null) stops a ring.</summary>
    internal static RoomDecision Cancel(RoomState state, CancelInvitation cancel, RuleContext context)
    {
        if (state.FindInvitation(cancel.InvitationId) is not { } invitation)
        {
            throw new RoomException(RoomErrorKind.NoInvitation, $"Room '{state.RoomId}' has no invitation '{cancel.InvitationId}'.");
        }

        if (cancel.ByParticipantId is { } by && RequireCaller(state, by) is { } caller && caller.ParticipantId != invitation.FromParticipantId && !caller.Rights.Admin)
        {
            throw new RoomException(RoomErrorKind.NotAllowed, "Only the participant who invited, a participant with the admin grant, or the admin key cancels an invitation.");
        }

        RequireRinging(invitation);
        var next = End(state, invitation, InvitationStates.Canceled, null, context);
        return new RoomDecision(AnsweredByNobody(next, context), context.Log.Events);
    }

    /// <summary>An invitation, for its invitee only (another identity's is "not found": never revealed).</summary>
    internal static RoomDecision ReadInvitation(RoomState state, GetInvitation read)
    {
        Own(state, read.InvitationId, read.Identity);
        return RoomDecision.Unchanged();
    }

    /// <summary>Rings whose time is up end <c>missed</c>; a dialed call nobody answered ends with them.</summary>
    internal static RoomState ExpireRings(RoomState state, RuleContext context)
    {
        var next = state;
        foreach (var invitation in (state.Invitations ?? []).Where(i => i.IsRinging && i.ExpiresAt <= context.Now))
        {
            next = End(next, invitation, InvitationStates.Missed, null, context);
        }

        return next == state ? state : AnsweredByNobody(next, context);
    }

    /// <summary>The call ends: what still rings is canceled, <c>caller_left</c> when its caller was among the last to go.</summary>
    internal static RoomState CancelRings(RoomState state, IReadOnlyCollection<string> lastToLeave, string leaveReason, RuleContext context)
    {
        var next = state;
        foreach (var invitation in (state.Invitations ?? []).Where(i => i.IsRinging))
        {
            var callerLeft = lastToLeave.Contains(invitation.FromParticipantId) && leaveReason is not (LeaveReasons.Ended or LeaveReasons.Failed);
            next = End(next, invitation, InvitationStates.Canceled, callerLeft ? InvitationStates.CallerLeft : InvitationStates.CallEnded, context);
        }

        return next;
    }

    private static RoomState AddInvitations(RoomState state, Participant caller, IReadOnlyList<string> to, int ringSeconds, string? metadata, RuleContext context)
    {
        if (to.Count is 0 or > MaxRinging || to.Distinct(StringComparer.Ordinal).Count() != to.Count)
        {
            throw new RoomException(RoomErrorKind.InvalidRequest, $"to lists 1-{MaxRinging} distinct identities.");
        }

        if (ringSeconds is < 5 or > 120)
        {
            throw new RoomException(RoomErrorKind.InvalidRequest, "ringSeconds is 5 to 120.");
        }

        var callerIdentity = caller.Identity ?? caller.ParticipantId;
        if (to.Contains(callerIdentity))
        {
            throw new RoomException(RoomErrorKind.InvalidRequest, "A caller cannot invite itself.");
        }

        var invitations = state.Invitations ?? [];
        foreach (var identity in to)
        {
            if (state.Participants.Any(p => (p.Identity ?? p.ParticipantId) == identity))
            {
                throw new RoomException(RoomErrorKind.InvitationConflict, $"'{identity}' is in the room already.");
            }

            if (invitations.Any(i => i.IsRinging && i.To == identity))
            {
                throw new RoomException(RoomErrorKind.InvitationConflict, $"'{identity}' is being called already.");
            }
        }

        if (invitations.Count(i => i.IsRinging) + to.Count > MaxRinging || invitations.Count + to.Count > MaxInvitationsPerCall)
        {
            throw new RoomException(RoomErrorKind.InvitationConflict,
                $"A room rings at most {MaxRinging} invitations at once and makes at most {MaxInvitationsPerCall} in a call.");
        }

        var next = state;
        foreach (var identity in to)
        {
            var invitation = new Invitation(
                context.Ids.NewInvitationId(state.RoomId), identity, caller.ParticipantId, callerIdentity, caller.DisplayName,
                InvitationStates.Ringing, null, context.Now, context.Now.AddSeconds(ringSeconds), null, metadata);
            next = next with { Invitations = (next.Invitations ?? []).Add(invitation) };
            next = context.Log.Add(next, new InvitationRinging(invitation.InvitationId, identity, invitation.ExpiresAt, metadata), caller.ParticipantId);
        }

        return next;
    }

    private static RoomState End(RoomState state, Invitation invitation, string endState, string? reason, RuleContext context)
    {
        var ended = invitation with { State = endState, Reason = reason, EndedAt = context.Now };
        var next = state with { Invitations = state.Invitations!.Replace(invitation, ended) };
        return context.Log.Add(next, new InvitationEnded(invitation.InvitationId, invitation.To, endState, reason), invitation.FromParticipantId);
    }

    /// <summary>
    /// A dialed call where every invitation ended without an answer, and only its caller is left, ends <c>not_answered</c>.
    /// </summary>
    private static RoomState AnsweredByNobody(RoomState state, RuleContext context)
    {
        var invitations = state.Invitations ?? [];
        if (!state.Dialed || !state.IsLive || invitations.Count == 0 || invitations.Any(i => i.IsRinging || i.State == InvitationStates.Accepted)
            || state.Participants.Count != 1 || state.Participants[0].ParticipantId != invitations[0].FromParticipantId)
        {
            return state;
        }

        var caller = state.Participants[0];
        var next = WithParticipants(state, state.Participants.Remove(caller));
        next = context.Log.Add(next, new ParticipantLeft(LeaveReasons.Ended), caller.ParticipantId);
        next = next with { Phase = RoomPhase.Ended, EndReason = LeaveReasons.NotAnswered };
        return context.Log.Add(next, new CallEnded(LeaveReasons.NotAnswered, (long)(context.Now - state.CreatedAt).TotalSeconds), null);
    }

    private static Invitation RequireOwn(RoomState state, string invitationId, string? identity)
    {
        var invitation = Own(state, invitationId, identity);
        RequireRinging(invitation);
        return invitation;
    }

    private static Invitation Own(RoomState state, string invitationId, string? identity) =>
        state.FindInvitation(invitationId) is { } invitation && invitation.To == identity
            ? invitation
            : throw new RoomException(RoomErrorKind.NoInvitation, "No such invitation for this user.");

    private static void RequireRinging(Invitation invitation)
    {
        if (!invitation.IsRinging)
        {
            throw new RoomException(RoomErrorKind.InvitationEnded, $"The invitation has ended: {invitation.State}.") { InvitationState = invitation.State };
        }
    }
}
