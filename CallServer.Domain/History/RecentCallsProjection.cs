using System.Collections.Immutable;
using CallServer.Domain.Rooms;

namespace CallServer.Domain.History;

/// <summary>
/// Each user's recent calls, folded from a call's events in order: given the rows of one call as they stand and its next event,
/// the rows after it. Pure: the history store applies it to each event the first time that event is stored, in the same
/// transaction, so the rows are exact as long as the events are (exactly once, in order).
/// </summary>
internal static class RecentCallsProjection
{
    /// <summary>The rows of one call, by identity.</summary>
    public static ImmutableDictionary<string, RecentCall> Apply(ImmutableDictionary<string, RecentCall> rows, RoomEvent e) => Apply(rows, e, e.Fact);

    /// <summary>The rows after <paramref name="e"/>, decided per kind of <paramref name="fact"/> (its parsed form).</summary>
    internal static ImmutableDictionary<string, RecentCall> Apply(ImmutableDictionary<string, RecentCall> rows, RoomEvent e, RoomFact fact) => fact switch
    {
        ParticipantJoined joined => Joined(rows, e, joined.DisplayName),
        ParticipantLeft => Left(rows, e),
        InvitationRinging ringing => Ringing(rows, e, ringing),
        InvitationEnded ended => RingEnded(rows, e, ended),
        CallEnded => CallEnd(rows, e),
        CallStarted or ParticipantConnected or ParticipantReconnecting or MediaChanged or MetadataChanged or UnknownFact => rows,
        _ => throw new UnhandledRoomFactException(e.Fact, "the recent calls"),
    };

    /// <summary>Whether an event of this type can change a row (the store reads a call's rows only for these).</summary>
    public static bool Concerns(RoomFact fact) => fact is ParticipantJoined or ParticipantLeft or InvitationRinging or InvitationEnded or CallEnded;

    /// <summary>The rows of a whole call, from its events in order.</summary>
    public static ImmutableDictionary<string, RecentCall> Fold(IEnumerable<RoomEvent> events) =>
        events.Aggregate(ImmutableDictionary<string, RecentCall>.Empty, Apply);

    private static string IdentityOf(RoomEvent e) => e.Identity ?? e.ParticipantId ?? "";

    private static ImmutableDictionary<string, RecentCall> Joined(ImmutableDictionary<string, RecentCall> rows, RoomEvent e, string name)
    {
        var identity = IdentityOf(e);
        var row = rows.GetValueOrDefault(identity) ?? New(identity, e);
        var peer = new RecentPeer(identity, name);
        // the newcomer's peers: everyone who was in the call; and the newcomer is a peer of every other row
        var joiner = WithPeersInCall(row, rows) with
        {
            InCallSince = row.InCallSince.SetItem(e.ParticipantId ?? identity, e.At),
            WasInCall = true,
            DisplayName = name,
        };
        if (joiner.Direction == CallDirections.Joined && joiner.AnsweredAt is null)
        {
            joiner = joiner with { AnsweredAt = e.At };
        }
        else if (joiner.Direction == CallDirections.Incoming && !joiner.Answered)
        {
            joiner = joiner with { Answered = true, AnsweredAt = e.At };
        }

        var next = rows.SetItem(identity, Settle(joiner, e.At));
        foreach (var other in rows.Values.Where(r => r.Identity != identity))
        {
            var updated = WithPeer(other, peer);
            if (updated.Direction == CallDirections.Outgoing && !updated.Answered && updated.Invitations.Any(i => i.From == other.Identity && i.To == identity))
            {
                // someone this user called joined: answered
                updated = updated with { Answered = true, AnsweredAt = e.At };
            }

            next = next.SetItem(other.Identity, Settle(updated, e.At));
        }

        return next;
    }

    private static ImmutableDictionary<string, RecentCall> Left(ImmutableDictionary<string, RecentCall> rows, RoomEvent e)
    {
        var identity = IdentityOf(e);
        var key = e.ParticipantId ?? identity;
        if (rows.GetValueOrDefault(identity) is not { } row || !row.InCallSince.TryGetValue(key, out var since))
        {
            return rows;
        }

        var left = row with
        {
            InCallMilliseconds = row.InCallMilliseconds + Milliseconds(since, e.At),
            InCallSince = row.InCallSince.Remove(key),
        };
        return rows.SetItem(identity, Settle(left, e.At));
    }

    private static ImmutableDictionary<string, RecentCall> Ringing(ImmutableDictionary<string, RecentCall> rows, RoomEvent e, InvitationRinging ringing)
    {
        var from = IdentityOf(e);
        var invitation = new RecentInvitation(ringing.InvitationId, from, ringing.To, InvitationStates.Ringing);

        var caller = rows.GetValueOrDefault(from) ?? New(from, e);
        if (!caller.DirectionSettled && !caller.Invitations.Any(i => i.To == from))
        {
            // a joined user that rings someone (and was not rung itself) is making a call: its answer is now the first invitee's
            caller = caller with { Direction = CallDirections.Outgoing, DirectionSettled = true, InvitationId = ringing.InvitationId, AnsweredAt = null };
        }

        var inviteeName = rows.GetValueOrDefault(ringing.To)?.DisplayName;
        caller = WithPeer(caller, new RecentPeer(ringing.To, inviteeName)) with { Invitations = caller.Invitations.Add(invitation) };
        var next = rows.SetItem(from, Settle(caller, e.At));

        var invitee = next.GetValueOrDefault(ringing.To) ?? WithPeersInCall(new RecentCall(ringing.To, e.CallId, e.RoomId, e.At), next);
        if (!invitee.DirectionSettled && !invitee.WasInCall)
        {
            // rung before it was ever in the call (one that was, and is called back, keeps its direction)
            invitee = invitee with { Direction = CallDirections.Incoming, DirectionSettled = true, InvitationId = ringing.InvitationId };
        }

        invitee = WithPeer(invitee, new RecentPeer(from, e.DisplayName ?? caller.DisplayName)) with { Invitations = invitee.Invitations.Add(invitation) };
        return next.SetItem(ringing.To, Settle(invitee, e.At));
    }

    private static ImmutableDictionary<string, RecentCall> RingEnded(ImmutableDictionary<string, RecentCall> rows, RoomEvent e, InvitationEnded ended)
    {
        var next = rows;
        foreach (var row in rows.Values)
        {
            var index = row.Invitations.FindIndex(i => i.InvitationId == ended.InvitationId);
            if (index >= 0)
            {
                var updated = row with { Invitations = row.Invitations.SetItem(index, row.Invitations[index] with { State = ended.State }) };
                next = next.SetItem(row.Identity, Settle(updated, e.At));
            }
        }

        return next;
    }

    private static ImmutableDictionary<string, RecentCall> CallEnd(ImmutableDictionary<string, RecentCall> rows, RoomEvent e)
    {
        var next = rows;
        foreach (var row in rows.Values)
        {
            // the call's end closes every part: a participant still counted in it, a ring still ringing (both logged before)
            var closed = row with
            {
                InCallMilliseconds = row.InCallMilliseconds + row.InCallSince.Values.Sum(since => Milliseconds(since, e.At)),
                InCallSince = ImmutableDictionary<string, DateTimeOffset>.Empty,
                Invitations = [.. row.Invitations.Select(i => i.State == InvitationStates.Ringing ? i with { State = InvitationStates.Canceled } : i)],
            };
            next = next.SetItem(row.Identity, Settle(closed, e.At));
        }

        return next;
    }

    private static RecentCall New(string identity, RoomEvent e) => new(identity, e.CallId, e.RoomId, e.At);

    /// <summary>A user new to the call: every identity that was in the call so far is its peer.</summary>
    private static RecentCall WithPeersInCall(RecentCall row, ImmutableDictionary<string, RecentCall> rows) =>
        rows.Values.Where(r => r.Identity != row.Identity && r.WasInCall).OrderBy(r => r.StartedAt).ThenBy(r => r.Identity, StringComparer.Ordinal)
            .Aggregate(row, (r, other) => WithPeer(r, new RecentPeer(other.Identity, other.DisplayName)));

    /// <summary>Adds a peer, or gives a known one the name it now has.</summary>
    private static RecentCall WithPeer(RecentCall row, RecentPeer peer)
    {
        if (peer.Identity == row.Identity)
        {
            return row;
        }

        var index = row.Peers.FindIndex(p => p.Identity == peer.Identity);
        if (index < 0)
        {
            return row with { Peers = row.Peers.Add(peer) };
        }

        return peer.DisplayName is null || row.Peers[index].DisplayName == peer.DisplayName
            ? row
            : row with { Peers = row.Peers.SetItem(index, peer) };
    }

    /// <summary>The user's part ends when it is not in the call and how it went is decided; it opens again if that changes.</summary>
    private static RecentCall Settle(RecentCall row, DateTimeOffset at) =>
        row.IsOpen ? row with { EndedAt = null } : row with { EndedAt = row.EndedAt ?? at };

    private static long Milliseconds(DateTimeOffset from, DateTimeOffset to) => Math.Max(0, (long)(to - from).TotalMilliseconds);
}
