using System.Collections.Immutable;
using CallServer.Domain.History;
using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using CallServer.Domain.Tests.Rooms;
using CsCheck;

namespace CallServer.Domain.Tests.History;

/// <summary>Each user's recent calls (docs/API.md §10), folded from the events the room's rules log for real call scripts.</summary>
public sealed class RecentCallsProjectionTests
{
    private static readonly string[] Invitees = ["bob", "cat", "dan"];

    [Fact]
    public void AnAnsweredDialIsOutgoingAnsweredForTheCallerAndIncomingAnsweredForTheInvitee()
    {
        var call = new Script();
        var ann = call.Dial("bob");
        call.Room.Advance(TimeSpan.FromSeconds(4));
        var bob = call.Accept("bob");
        call.Room.Advance(TimeSpan.FromSeconds(61));
        call.Apply(new LeaveRoom(bob.ParticipantId));
        call.Room.Advance(TimeSpan.FromSeconds(2));
        call.Apply(new LeaveRoom(ann.ParticipantId));

        var rows = call.Rows();
        var start = Script.Start;
        Assert.Equal(
            (CallDirections.Outgoing, CallOutcomes.Answered, start, start.AddSeconds(4), start.AddSeconds(67), 67L),
            Summary(rows["ann"]));
        Assert.Equal(
            (CallDirections.Incoming, CallOutcomes.Answered, start, start.AddSeconds(4), start.AddSeconds(65), 61L),
            Summary(rows["bob"]));
        Assert.Equal([new RecentPeer("bob", "bob")], rows["ann"].Peers);
        Assert.Equal([new RecentPeer("ann", "Ann")], rows["bob"].Peers);
        Assert.Equal(rows["ann"].InvitationId, rows["bob"].InvitationId);
    }

    [Theory]
    [InlineData("missed", CallOutcomes.Missed, CallOutcomes.NotAnswered)]
    [InlineData("declined", CallOutcomes.Declined, CallOutcomes.NotAnswered)]
    [InlineData("busy", CallOutcomes.Busy, CallOutcomes.NotAnswered)]
    [InlineData("canceled", CallOutcomes.Canceled, CallOutcomes.Canceled)]
    [InlineData("caller_left", CallOutcomes.Canceled, CallOutcomes.Canceled)]
    public void AnUnansweredDialEndsAsItsRingDid(string how, string bobs, string anns)
    {
        var call = new Script();
        var ann = call.Dial("bob");
        var id = call.Room.State.Invitations![0].InvitationId;
        call.Room.Advance(TimeSpan.FromSeconds(how == "missed" ? 30 : 5));
        call.Apply(how switch
        {
            "missed" => new ExpireDeadlines(),
            "declined" or "busy" => new DeclineInvitation(id, "bob", how),
            "canceled" => new CancelInvitation(id, ann.ParticipantId),
            _ => new LeaveRoom(ann.ParticipantId),
        });
        if (how == "canceled")
        {
            call.Apply(new LeaveRoom(ann.ParticipantId));
        }

        var rows = call.Rows();
        Assert.Equal((CallDirections.Incoming, bobs, null, 0L), (rows["bob"].Direction, rows["bob"].Outcome, rows["bob"].AnsweredAt, rows["bob"].DurationSeconds));
        Assert.Equal((CallDirections.Outgoing, anns), (rows["ann"].Direction, rows["ann"].Outcome));
        Assert.Equal(call.Room.Now, rows["bob"].EndedAt);
        Assert.False(call.Room.State.IsLive);
    }

    [Fact]
    public void OneRowPerUserWhateverItsJoinsAndRingsAndAJoinerByIdIsCompleted()
    {
        var call = new Script();
        var ann = call.Dial("bob");
        // Ann is not alone in the call (Eve joined by id), so the missed ring does not end it; Ann rings Bob again and he answers
        var eve = call.Apply(new JoinRoom("Eve", null, new("eve", null, ParticipantGrants.Default))).Participant!;
        call.Room.Advance(TimeSpan.FromSeconds(30));
        call.Apply(new ExpireDeadlines());
        call.Apply(new Invite(ann.ParticipantId, ["bob"], 30, null));
        call.Room.Advance(TimeSpan.FromSeconds(3));
        var bob = call.Accept("bob");
        call.Room.Advance(TimeSpan.FromSeconds(10));
        call.Apply(new LeaveRoom(bob.ParticipantId));
        call.Room.Advance(TimeSpan.FromSeconds(5));
        call.Apply(new JoinRoom("Bob", null, new("bob", null, ParticipantGrants.Default)));
        call.Room.Advance(TimeSpan.FromSeconds(20));
        call.Apply(new EndCall(LeaveReasons.Ended));

        var rows = call.Rows();
        Assert.Equal(["ann", "bob", "eve"], rows.Keys.Order());
        Assert.Equal((CallDirections.Incoming, CallOutcomes.Answered, 30L), (rows["bob"].Direction, rows["bob"].Outcome, rows["bob"].DurationSeconds));
        Assert.Equal((CallDirections.Joined, CallOutcomes.Completed), (rows["eve"].Direction, rows["eve"].Outcome));
        Assert.Equal(["ann", "bob"], rows["eve"].Peers.Select(p => p.Identity));
        Assert.Equal((CallDirections.Outgoing, CallOutcomes.Answered), (rows["ann"].Direction, rows["ann"].Outcome));
        Assert.All(rows.Values, r => Assert.Equal(call.Room.Now, r.EndedAt));
        Assert.NotNull(eve);
    }

    [Fact]
    public void AMissedRingOfAGroupCallShowsWhileTheCallGoesOnAndAnAnswerToALaterRingOpensIt()
    {
        var call = new Script();
        var ann = call.Dial("bob", "cat");
        call.Room.Advance(TimeSpan.FromSeconds(2));
        call.Accept("cat");
        call.Room.Advance(TimeSpan.FromSeconds(28));
        call.Apply(new ExpireDeadlines());

        var missed = call.Rows()["bob"];
        Assert.Equal((CallOutcomes.Missed, call.Room.Now), (missed.Outcome, missed.EndedAt));
        Assert.Equal(["ann", "cat"], missed.Peers.Select(p => p.Identity));

        call.Apply(new Invite(ann.ParticipantId, ["bob"], 30, null));
        Assert.Null(call.Rows()["bob"].EndedAt);
        call.Accept("bob");
        var answered = call.Rows()["bob"];
        Assert.Equal((CallOutcomes.Answered, null), (answered.Outcome, answered.EndedAt));
    }

    [Fact]
    public void RowsAreTheSameWhateverBatchesTheEventsCameIn()
    {
        Gen.Int[0, 1_000_000].Sample(seed =>
        {
            var call = RandomCall(seed);
            var whole = RecentCallsProjection.Fold(call.Events);
            var random = new Random(seed);
            var rows = ImmutableDictionary<string, RecentCall>.Empty;
            foreach (var batch in call.Events.Chunk(1 + random.Next(5)))
            {
                // the store reads the rows back between batches: only what the rows hold carries over
                rows = batch.Aggregate(rows.ToImmutableDictionary(), RecentCallsProjection.Apply);
            }

            Assert.Equal(whole.Keys.Order(), rows.Keys.Order());
            Assert.All(whole, kv => Assert.Equal(Summary(kv.Value), Summary(rows[kv.Key])));
        }, iter: 200);
    }

    [Fact]
    public void OneRowPerUserAndItsOutcomeAgreesWithTheInvitationStates()
    {
        Gen.Int[0, 1_000_000].Sample(seed =>
        {
            var call = RandomCall(seed);
            var rows = RecentCallsProjection.Fold(call.Events);
            var invitations = call.Room.State.Invitations ?? [];
            var participants = call.Events.Where(e => e.Fact is ParticipantJoined).Select(e => e.Identity!).ToHashSet();

            // one row for each identity that joined or was rung, and no other
            Assert.Equal(participants.Union(invitations.Select(i => i.To)).Order(), rows.Keys.Order());
            foreach (var row in rows.Values)
            {
                var rungFirst = invitations.FirstOrDefault(i => i.To == row.Identity || i.FromIdentity == row.Identity);
                Assert.NotNull(row.Outcome);
                Assert.NotNull(row.EndedAt);
                Assert.Equal(row.Direction is CallDirections.Joined ? null : rungFirst?.InvitationId, row.InvitationId);
                var seconds = call.Events.Where(e => e.Identity == row.Identity && e.Fact is ParticipantJoined)
                    .Sum(joined => (long)(call.Events.First(e => e.ParticipantId == joined.ParticipantId && e.Fact is ParticipantLeft).At - joined.At).TotalMilliseconds) / 1000;
                Assert.Equal(seconds, row.DurationSeconds);
                switch (row.Direction)
                {
                    case CallDirections.Incoming:
                        var mine = invitations.Where(i => i.To == row.Identity).ToList();
                        var expected = participants.Contains(row.Identity) || mine.Any(i => i.State == InvitationStates.Accepted)
                            ? CallOutcomes.Answered
                            : mine[^1].State;
                        Assert.Equal(expected, row.Outcome);
                        Assert.Equal(row.Identity, rungFirst!.To);
                        break;
                    case CallDirections.Outgoing:
                        var made = invitations.Where(i => i.FromIdentity == row.Identity).ToList();
                        var rang = call.Events.Where(e => e.Fact is InvitationRinging r && made.Any(i => i.InvitationId == r.InvitationId)).ToList();
                        var answeredBy = call.Events.Any(e => e.Fact is ParticipantJoined && rang.Any(r => ((InvitationRinging)r.Fact).To == e.Identity && r.Seq < e.Seq));
                        Assert.Equal(
                            answeredBy ? CallOutcomes.Answered
                            : made.Any(i => i.State == InvitationStates.Canceled) ? CallOutcomes.Canceled
                            : CallOutcomes.NotAnswered,
                            row.Outcome);
                        Assert.Equal(row.Identity, rungFirst!.FromIdentity);
                        break;
                    default:
                        Assert.Equal(CallOutcomes.Completed, row.Outcome);
                        Assert.Contains(row.Identity, participants);
                        break;
                }
            }
        }, iter: 300);
    }

    /// <summary>A random call: Ann dials, then answers, declines, cancels, invitations, joins by id, leaves and ticks, until it ends.</summary>
    private static Script RandomCall(int seed)
    {
        var random = new Random(seed);
        var call = new Script(seed);
        call.Dial([.. Invitees.Where(_ => random.Next(2) == 0).DefaultIfEmpty("bob")]);
        string[] everyone = ["ann", .. Invitees, "eve"];
        for (var step = 0; step < 25 && call.Room.State.IsLive; step++)
        {
            var who = everyone[random.Next(everyone.Length)];
            var ringing = call.Room.State.Invitations?.Where(i => i.IsRinging).ToList() ?? [];
            var ring = ringing.Count > 0 ? ringing[random.Next(ringing.Count)] : null;
            var member = call.Room.State.Participants.Count > 0 ? call.Room.State.Participants[random.Next(call.Room.State.Participants.Count)] : null;
            RoomChange command = random.Next(8) switch
            {
                0 when ring is not null => new AcceptInvitation(ring.InvitationId, Script.JoinAs(ring.To)),
                1 when ring is not null => new DeclineInvitation(ring.InvitationId, ring.To, random.Next(2) == 0 ? "busy" : "declined"),
                2 when ring is not null => new CancelInvitation(ring.InvitationId, random.Next(2) == 0 ? null : ring.FromParticipantId),
                3 when member is not null => new LeaveRoom(member.ParticipantId),
                4 when member is not null => new Invite(member.ParticipantId, [who], 30, null),
                5 => new JoinRoom(who, null, new(who, null, ParticipantGrants.Default)),
                _ => new ExpireDeadlines(),
            };
            call.Room.Advance(TimeSpan.FromSeconds(random.Next(0, 20)));
            call.TryApply(command);
        }

        if (call.Room.State.IsLive)
        {
            call.Room.Advance(TimeSpan.FromSeconds(3));
            call.TryApply(new EndCall(LeaveReasons.Ended));
        }

        return call;
    }

    private static (string, string?, DateTimeOffset, DateTimeOffset?, DateTimeOffset?, long) Summary(RecentCall row) =>
        (row.Direction, row.Outcome, row.StartedAt, row.AnsweredAt, row.EndedAt, row.DurationSeconds);

    /// <summary>A room driven through its rules, every event it logs kept in order.</summary>
    private sealed class Script(int seed = 1)
    {
        public static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

        public RoomFixture Room { get; } = new(seed);

        public List<RoomEvent> Events { get; } = [];

        public static JoinRoom JoinAs(string identity) => new(identity, null, new(identity, null, ParticipantGrants.Default));

        public Participant Dial(params string[] to) =>
            Record(Room.Apply(new Dial(new JoinRoom("Ann", null, new("ann", null, ParticipantGrants.Default)), to, 30, null))).Participant!;

        public Participant Accept(string identity) =>
            Record(Room.Apply(new AcceptInvitation(Room.State.Invitations!.Last(i => i.To == identity && i.IsRinging).InvitationId, JoinAs(identity)))).Participant!;

        public RoomDecision Apply(RoomChange command) => Record(Room.Apply(command));

        public void TryApply(RoomChange command)
        {
            try
            {
                Record(Room.Apply(command));
            }
            catch (RoomException)
            {
                // refused: nothing logged
            }
        }

        public ImmutableDictionary<string, RecentCall> Rows() => RecentCallsProjection.Fold(Events);

        /// <summary>Keeps the events; a participant that joined connects at once (one that never does would time out).</summary>
        private RoomDecision Record(RoomDecision decision)
        {
            Events.AddRange(decision.Events);
            if (decision.Participant is { } p && Room.State.Find(p.ParticipantId) is { ConnectionId: null })
            {
                Events.AddRange(Room.Apply(new ConnectParticipant(p.ParticipantId, "c-" + p.ParticipantId, "i1")).Events);
            }

            return decision;
        }
    }
}
