using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using CsCheck;

namespace CallServer.Domain.Tests.Rooms;

/// <summary>Properties of the rules over random command sequences (CsCheck): what must hold whatever clients and timers do.</summary>
public sealed class RoomPropertiesTests
{
    /// <summary>One step: a command built against the room as it is then (participants are picked by index), after some time.</summary>
    private sealed record Step(int Kind, int Who, bool Flag1, bool Flag2, int Seconds);

    private static readonly Gen<Step[]> Steps =
        Gen.Select(Gen.Int[0, 11], Gen.Int[0, 5], Gen.Bool, Gen.Bool, Gen.Int[0, 25], (k, w, a, b, s) => new Step(k, w, a, b, s)).Array[1, 60];

    [Fact]
    public void EveryRandomSequenceKeepsTheRoomConsistent() =>
        Steps.Sample(steps =>
        {
            var room = new RoomFixture();
            foreach (var step in steps)
            {
                room.Advance(TimeSpan.FromSeconds(step.Seconds));
                var before = room.State;
                var command = CommandFor(step, before);
                RoomDecision decision;
                try
                {
                    decision = room.Apply(command);
                }
                catch (RoomException)
                {
                    Assert.Equal(before, room.State);
                    continue;
                }

                Check(before, room.State, command, decision, room.Now);
            }
        }, iter: 300);

    private static void Check(RoomState before, RoomState after, RoomChange command, RoomDecision decision, DateTimeOffset now)
    {
        if (decision.Next is null)
        {
            Assert.Same(before, after);
            Assert.Empty(decision.Events);
            return;
        }

        // versions strictly increase, and only the worker sets them: a rule never does
        Assert.Equal(before.Version, decision.Next.Version);
        Assert.Equal(before.Version + 1, after.Version);

        // participant ids are unique; the phase agrees with the participant count
        Assert.Equal(after.Participants.Count, after.Participants.Select(p => p.ParticipantId).Distinct().Count());
        Assert.Equal(after.Participants.Count switch { 0 => false, _ => true }, after.IsLive);
        if (after.IsLive)
        {
            Assert.Equal(after.Participants.Count >= 2 ? RoomPhase.Active : RoomPhase.Waiting, after.Phase);
        }

        // every removal has a reason, in an event of its own
        var left = decision.Events.Where(e => e.Type == RoomEventTypes.ParticipantLeft).ToList();
        foreach (var gone in before.Participants.Where(p => before.CallId == after.CallId && after.Find(p.ParticipantId) is null))
        {
            var leftEvent = Assert.Single(left, e => e.ParticipantId == gone.ParticipantId);
            Assert.False(string.IsNullOrEmpty(leftEvent.Data?["reason"]));
        }

        // events are numbered on from the call's last one, without gaps
        Assert.Equal(
            Enumerable.Range(1, decision.Events.Count).Select(i => (after.CallId == before.CallId ? before.EventSeq : 0) + i),
            decision.Events.Select(e => e.Seq));

        // deadlines only move forward: one that is set now is in the future, and a changed one never moves earlier
        foreach (var p in after.Participants.Where(p => p.Deadline is not null && before.Find(p.ParticipantId)?.Deadline != p.Deadline))
        {
            Assert.True(p.Deadline > now, $"{p.ParticipantId}'s new deadline {p.Deadline} is not after {now}");
            if (before.Find(p.ParticipantId) is { Deadline: { } earlier })
            {
                Assert.True(p.Deadline >= earlier);
            }
        }

        // an ended call accepts no change but a join, which starts a new call
        if (!before.IsLive)
        {
            Assert.IsType<JoinRoom>(command);
            Assert.NotEqual(before.CallId, after.CallId);
        }
    }

    private static RoomChange CommandFor(Step step, RoomState state)
    {
        var who = state.Participants.Count == 0 ? "p-nobody" : state.Participants[step.Who % state.Participants.Count].ParticipantId;
        var current = state.Find(who)?.ConnectionId;
        return step.Kind switch
        {
            0 or 1 => new JoinRoom($"P{step.Who}", step.Flag1 ? $"key-{step.Who}" : null),
            2 => new LeaveRoom(who),
            3 => new ConnectParticipant(who, $"c-{step.Who}-{step.Seconds}", step.Flag1 ? "i-1" : "i-2"),
            // a stale connection's close: its id is not the participant's current one
            4 => new DisconnectParticipant(who, step.Flag1 || current is null ? "c-stale" : current),
            5 => new SetMedia(who, step.Flag1, step.Flag2),
            6 => new ExpireDeadlines(),
            7 => new ReleaseDeadConnections(new HashSet<string> { step.Flag1 ? "i-1" : "i-2" }),
            8 => new GetStatus(step.Flag1),
            9 => new CheckPeers(who, state.Participants.Count > 1 ? state.Participants[0].ParticipantId : "p-nobody"),
            10 => step.Flag1 && step.Flag2 ? new EndCall(LeaveReasons.Ended) : new SetMedia(who, step.Flag2, step.Flag1),
            _ => step.Flag1 && step.Flag2 && step.Who == 0 ? new FailRoom() : new ExpireDeadlines(),
        };
    }

    [Fact]
    public void AStaleConnectionsCloseNeverChangesAnything() =>
        Gen.Select(Gen.Int[1, 4], Gen.Int[0, 3]).Sample((joined, pick) =>
        {
            var room = new RoomFixture();
            for (var i = 0; i < joined; i++)
            {
                room.JoinAndConnect($"P{i}", $"c{i}");
            }

            var p = room.State.Participants[pick % joined];
            Assert.Null(room.Apply(new DisconnectParticipant(p.ParticipantId, "c-older")).Next);
        }, iter: 50);
}
