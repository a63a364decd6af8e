using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using CsCheck;

namespace CallServer.Domain.Tests.Rooms;

/// <summary>The rules of ringing (docs/API.md §9): every transition of an invitation, and the end of a dialed call nobody answered.</summary>
public sealed class InvitationRulesTests
{
    private static readonly JoinIdentity Ann = new("ann", null, ParticipantGrants.Default);
    private static readonly JoinIdentity Bob = new("bob", null, ParticipantGrants.Default);

    [Fact]
    public void ADialStartsACallWithTheCallerInItAndARingingInvitationPerIdentity()
    {
        var room = new RoomFixture();
        var decision = room.Apply(Dial("bob", "cat"));

        Assert.Equal("ann", decision.Participant!.Identity);
        Assert.True(room.State.Dialed);
        Assert.Equal([("bob", "ringing"), ("cat", "ringing")], room.State.Invitations!.Select(i => (i.To, i.State)));
        Assert.All(room.State.Invitations!, i => Assert.Equal(room.Now.AddSeconds(30), i.ExpiresAt));
        Assert.All(room.State.Invitations!, i => Assert.Equal("r1", InvitationIds.RoomOf(i.InvitationId)));
        Assert.Equal(["call_started", "participant_joined", "invitation_ringing", "invitation_ringing"], decision.Events.Select(e => e.Type));
        Assert.Equal(room.Now.AddSeconds(30), room.State.NextDeadline());
    }

    [Fact]
    public void AcceptJoinsTheInviteeAndEndsItsInvitationAcceptedAndASecondAnswerLearnsTheState()
    {
        var room = new RoomFixture();
        room.Apply(Dial("bob"));
        var id = room.State.Invitations![0].InvitationId;

        var accepted = room.Apply(new AcceptInvitation(id, new JoinRoom("Bob", null, Bob)));

        Assert.Equal("bob", accepted.Participant!.Identity);
        Assert.Equal(2, room.State.Participants.Count);
        Assert.Equal(("accepted", room.Now), (room.State.Invitations![0].State, room.State.Invitations[0].EndedAt!.Value));
        // the second device: answered elsewhere
        var again = Assert.Throws<RoomException>(() => room.Apply(new AcceptInvitation(id, new JoinRoom("Bob", null, Bob))));
        Assert.Equal((RoomErrorKind.InvitationEnded, "accepted"), (again.Kind, again.InvitationState));
        var decline = Assert.Throws<RoomException>(() => room.Apply(new DeclineInvitation(id, "bob", "declined")));
        Assert.Equal("accepted", decline.InvitationState);
    }

    [Fact]
    public void AnotherUsersInvitationIsNotFoundForEveryAnswer()
    {
        var room = new RoomFixture();
        room.Apply(Dial("bob"));
        var id = room.State.Invitations![0].InvitationId;

        Assert.Equal(RoomErrorKind.NoInvitation, Assert.Throws<RoomException>(() => room.Apply(new AcceptInvitation(id, new JoinRoom("Mallory", null, new("mallory", null, ParticipantGrants.Default))))).Kind);
        Assert.Equal(RoomErrorKind.NoInvitation, Assert.Throws<RoomException>(() => room.Apply(new DeclineInvitation(id, "mallory", "declined"))).Kind);
        Assert.Equal(RoomErrorKind.NoInvitation, Assert.Throws<RoomException>(() => room.Apply(new GetInvitation(id, "mallory"))).Kind);
        Assert.Equal(RoomErrorKind.NoInvitation, Assert.Throws<RoomException>(() => room.Apply(new DeclineInvitation("inv_nope", "bob", "declined"))).Kind);
    }

    [Theory]
    [InlineData("declined")]
    [InlineData("busy")]
    public void ADialed1To1CallWhoseInvitationIsDeclinedEndsNotAnswered(string how)
    {
        var room = new RoomFixture();
        room.Apply(Dial("bob"));

        var decision = room.Apply(new DeclineInvitation(room.State.Invitations![0].InvitationId, "bob", how));

        Assert.Equal(how, room.State.Invitations![0].State);
        Assert.False(room.State.IsLive);
        Assert.Equal("not_answered", room.State.EndReason);
        Assert.Equal(["invitation_ended", "participant_left", "call_ended"], decision.Events.Select(e => e.Type));
        Assert.Equal(new CallEnded("not_answered", 0), decision.Events[^1].Fact);
    }

    [Fact]
    public void ARingNobodyAnswersIsMissedAtItsDeadlineOnceAndTheDialedCallEnds()
    {
        var room = new RoomFixture();
        var caller = room.Apply(Dial("bob", "cat")).Participant!;
        room.Apply(new ConnectParticipant(caller.ParticipantId, "c1", "i1"));
        room.Advance(TimeSpan.FromSeconds(29));
        Assert.Null(room.Apply(new ExpireDeadlines()).Next);

        room.Advance(TimeSpan.FromSeconds(1));
        var decision = room.Apply(new ExpireDeadlines());

        Assert.Equal(["missed", "missed"], room.State.Invitations!.Select(i => i.State));
        Assert.Equal("not_answered", room.State.EndReason);
        Assert.Equal(2, decision.Events.Count(e => e.Fact is InvitationEnded { State: "missed" }));
        // a tick after: nothing more (each ends once)
        room.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(room.Apply(new ExpireDeadlines()).Next);
    }

    [Fact]
    public void OneMissedOneAcceptedKeepsTheCall()
    {
        var room = new RoomFixture();
        var caller = room.Apply(Dial("bob", "cat")).Participant!;
        room.Apply(new ConnectParticipant(caller.ParticipantId, "c1", "i1"));
        var bob = room.Apply(new AcceptInvitation(room.State.Invitations![0].InvitationId, new JoinRoom("Bob", null, Bob))).Participant!;
        room.Apply(new ConnectParticipant(bob.ParticipantId, "c2", "i1"));
        room.Advance(TimeSpan.FromSeconds(30));

        room.Apply(new ExpireDeadlines());

        Assert.Equal(["accepted", "missed"], room.State.Invitations!.Select(i => i.State));
        Assert.True(room.State.IsLive);
    }

    [Fact]
    public void TheCallerLeavingAloneCancelsCallerLeftAndEndingTheCallCancelsCallEnded()
    {
        var left = new RoomFixture();
        var caller = left.Apply(Dial("bob")).Participant!;
        left.Apply(new LeaveRoom(caller.ParticipantId));
        Assert.Equal(("canceled", "caller_left"), (left.State.Invitations![0].State, left.State.Invitations[0].Reason));
        Assert.Equal("empty", left.State.EndReason);

        var ended = new RoomFixture();
        ended.Apply(Dial("bob"));
        ended.Apply(new EndCall(LeaveReasons.Ended));
        Assert.Equal(("canceled", "call_ended"), (ended.State.Invitations![0].State, ended.State.Invitations[0].Reason));
    }

    [Fact]
    public void TheInviterOrAModeratorCancelsOthersMayNot()
    {
        var room = new RoomFixture();
        var caller = room.Apply(Dial("bob", "cat")).Participant!;
        var dan = room.Apply(new JoinRoom("Dan", null, new("dan", null, ParticipantGrants.Default))).Participant!;
        var bob = room.State.Invitations![0].InvitationId;
        var cat = room.State.Invitations![1].InvitationId;

        Assert.Equal(RoomErrorKind.NotAllowed, Assert.Throws<RoomException>(() => room.Apply(new CancelInvitation(bob, dan.ParticipantId))).Kind);
        room.Apply(new CancelInvitation(bob, caller.ParticipantId));
        room.Apply(new CancelInvitation(cat, null));

        Assert.Equal([("canceled", null), ("canceled", null)], room.State.Invitations!.Select(i => (i.State, i.Reason)));
        // Dan is still there: the call goes on
        Assert.True(room.State.IsLive);
    }

    [Fact]
    public void InvitingSomeoneInTheRoomOrRingingOrOneselfOrTooManyIsRefusedAndChangesNothing()
    {
        var room = new RoomFixture();
        var caller = room.Apply(Dial("bob")).Participant!;
        var before = room.State;

        Assert.Equal(RoomErrorKind.InvitationConflict, Assert.Throws<RoomException>(() => room.Apply(new Invite(caller.ParticipantId, ["cat", "bob"], 30, null))).Kind);
        Assert.Equal(RoomErrorKind.InvalidRequest, Assert.Throws<RoomException>(() => room.Apply(new Invite(caller.ParticipantId, ["ann"], 30, null))).Kind);
        Assert.Equal(RoomErrorKind.InvalidRequest, Assert.Throws<RoomException>(() => room.Apply(new Invite(caller.ParticipantId, ["cat"], 4, null))).Kind);
        Assert.Equal(RoomErrorKind.InvitationConflict, Assert.Throws<RoomException>(() =>
            room.Apply(new Invite(caller.ParticipantId, [.. Enumerable.Range(0, 16).Select(i => $"u{i}")], 30, null))).Kind);
        Assert.Same(before, room.State);
    }

    [Fact]
    public void AcceptingIntoAFullRoomIsRefusedAndTheInvitationKeepsRinging()
    {
        var room = new RoomFixture();
        room.Apply(Dial("bob"));
        for (var i = 0; i < RoomFixture.Options.MaxParticipants - 1; i++)
        {
            room.Apply(new JoinRoom($"P{i}", null, new($"p{i}", null, ParticipantGrants.Default)));
        }

        var full = Assert.Throws<RoomException>(() => room.Apply(new AcceptInvitation(room.State.Invitations![0].InvitationId, new JoinRoom("Bob", null, Bob))));

        Assert.Equal(RoomErrorKind.Full, full.Kind);
        Assert.True(room.State.Invitations![0].IsRinging);
    }

    [Fact]
    public void AnEndedInvitationNeverChangesAndEachEndsAtMostOnce()
    {
        // random answers, cancels, leaves and ticks: an ended invitation keeps its state, end time and reason, and each
        // invitation has at most one ended event
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, 2], Gen.Int[0, 40]).Array[1, 30].Sample(steps =>
        {
            var room = new RoomFixture(7);
            var caller = room.Apply(Dial("bob", "cat", "dan")).Participant!;
            var ended = new Dictionary<string, Invitation>();
            var endings = new Dictionary<string, int>();
            foreach (var (kind, who, seconds) in steps)
            {
                var target = room.State.Invitations is { Count: > 0 } list ? list[who % list.Count] : null;
                RoomChange command = kind switch
                {
                    0 when target is not null => new AcceptInvitation(target.InvitationId, new JoinRoom(target.To, null, new(target.To, null, ParticipantGrants.Default))),
                    1 when target is not null => new DeclineInvitation(target.InvitationId, target.To, who == 0 ? "busy" : "declined"),
                    2 when target is not null => new CancelInvitation(target.InvitationId, who == 0 ? null : caller.ParticipantId),
                    3 => new LeaveRoom(caller.ParticipantId),
                    _ => new ExpireDeadlines(),
                };
                room.Advance(TimeSpan.FromSeconds(seconds));
                try
                {
                    foreach (var e in room.Apply(command).Events.Where(e => e.Fact is InvitationEnded))
                    {
                        var id = ((InvitationEnded)e.Fact).InvitationId;
                        endings[id] = endings.GetValueOrDefault(id) + 1;
                    }
                }
                catch (RoomException)
                {
                    // refused: nothing changed
                }

                foreach (var i in room.State.Invitations ?? [])
                {
                    if (ended.TryGetValue(i.InvitationId, out var was))
                    {
                        Assert.Equal(was, i);
                    }
                    else if (!i.IsRinging)
                    {
                        ended[i.InvitationId] = i;
                    }
                }
            }

            Assert.All(endings.Values, n => Assert.Equal(1, n));
        });
    }

    private static Dial Dial(params string[] to) => new(new JoinRoom("Ann", null, Ann), to, 30, null);
}
