using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;

namespace CallServer.Domain.Tests.Rooms;

/// <summary>Every rule of <see cref="RoomRules"/>, by example.</summary>
public sealed class RoomRulesTests
{
    private readonly RoomFixture _room = new();

    [Fact]
    public void TheRulesDrawTheirIdsFromTheContextSoTheSameSeedMakesTheSameRoom()
    {
        RoomState Play(int seed)
        {
            var room = new RoomFixture(seed);
            room.Join("Ann");
            room.Join("Bob");
            return room.State;
        }

        var (first, again, other) = (Play(7), Play(7), Play(8));

        Assert.Equal(first.CallId, again.CallId);
        Assert.Equal(first.Participants.Select(p => p.ParticipantId), again.Participants.Select(p => p.ParticipantId));
        Assert.NotEqual(first.Participants.Select(p => p.ParticipantId), other.Participants.Select(p => p.ParticipantId));
        Assert.Equal('7', first.CallId![14]);
        Assert.StartsWith("p-", first.Participants[0].ParticipantId);
    }

    [Fact]
    public void TheFirstJoinStartsACallAndTheSecondMakesItActive()
    {
        var ann = _room.Join("Ann");
        Assert.Equal((RoomPhase.Waiting, Presence.Joining), (_room.State.Phase, ann.Presence));
        Assert.Equal(_room.Now + RoomFixture.Options.JoinTimeout, ann.Deadline);
        var callId = _room.State.CallId;

        var decision = _room.Apply(new JoinRoom("Bob", null));

        Assert.Equal(RoomPhase.Active, _room.State.Phase);
        Assert.Equal(callId, _room.State.CallId);
        Assert.Equal([RoomEventTypes.ParticipantJoined], decision.Events.Select(e => e.Type));
        Assert.Equal(["call_started", "participant_joined"], RoomRules.Decide(RoomState.Empty("r2"), new JoinRoom("Cid", null), _room.Now, RoomFixture.Options).Events.Select(e => e.Type));
    }

    [Fact]
    public void AJoinOverTheHubIsOneChangeConnectedWithTheJoinsAndTheConnectsEvents()
    {
        _room.JoinAndConnect("Ann", "c-ann");
        var version = _room.State.Version;

        var decision = _room.Apply(new JoinAndConnect(new JoinRoom("Bob", "key-1", Video: false), "c-bob", "i2"));

        Assert.Equal(version + 1, _room.State.Version);
        var bob = _room.State.Find(decision.Participant!.ParticipantId)!;
        Assert.Equal((Presence.Connected, "c-bob", "i2", null, false), (bob.Presence, bob.ConnectionId, bob.InstanceId, bob.Deadline, bob.Video));
        Assert.Equal([RoomEventTypes.ParticipantJoined, RoomEventTypes.ParticipantConnected], decision.Events.Select(e => e.Type));
        Assert.Equal(decision.Events[0].Seq + 1, decision.Events[1].Seq);
        // the first of a room starts its call in the same change
        Assert.Equal(["call_started", "participant_joined", "participant_connected"],
            RoomRules.Decide(RoomState.Empty("r2"), new JoinAndConnect(new JoinRoom("Cid", null), "c", "i1"), _room.Now, RoomFixture.Options).Events.Select(e => e.Type));
    }

    [Fact]
    public void AJoinOverTheHubRetriedWithItsKeyConnectsTheSameParticipantAndRefusesSomeoneElse()
    {
        var first = _room.Apply(new JoinAndConnect(new JoinRoom("Bob", "key-1"), "c-1", "i1")).Participant!;

        var retry = _room.Apply(new JoinAndConnect(new JoinRoom("Bob", "key-1"), "c-2", "i1"));

        Assert.Equal(first.ParticipantId, retry.Participant!.ParticipantId);
        Assert.Single(_room.State.Participants);
        Assert.Equal("c-2", _room.State.Participants[0].ConnectionId);
        Assert.Empty(retry.Events);
        var refused = Assert.Throws<RoomException>(() => _room.Apply(new JoinAndConnect(new JoinRoom("Eve", "key-1"), "c-3", "i1")));
        Assert.Equal(RoomErrorKind.KeyReused, refused.Kind);
        // a participant over its limits is not brought back by its key: nothing changes
        var version = _room.State.Version;
        var limited = Assert.Throws<RoomException>(() => _room.Apply(new JoinAndConnect(new JoinRoom("Bob", "key-1"), "c-4", "i1", RefuseReconnect: p => $"{p} flooded")));
        Assert.Equal((RoomErrorKind.RateLimited, $"{first.ParticipantId} flooded"), (limited.Kind, limited.Message));
        Assert.Equal((version, "c-2"), (_room.State.Version, _room.State.Participants[0].ConnectionId));
        // and a new participant is never asked
        Assert.NotNull(_room.Apply(new JoinAndConnect(new JoinRoom("Dan", null), "c-5", "i1", RefuseReconnect: _ => "never")).Participant);
    }

    [Fact]
    public void AJoinWithMediaOffStartsThatWayInOneChangeAndItsEventSaysSo()
    {
        _room.Join("Ann");
        var decision = _room.Apply(new JoinRoom("Bob", null, Audio: false));

        Assert.Equal((false, true), (decision.Participant!.Audio, decision.Participant.Video));
        var joined = Assert.Single(decision.Events);
        Assert.Equal(new ParticipantJoined("Bob", Audio: false, Video: true), joined.Fact);
        // a join with both on is stored as before
        Assert.Equal(new Dictionary<string, string> { ["displayName"] = "Cid" }, _room.Apply(new JoinRoom("Cid", null)).Events.Single().Data);
    }

    [Fact]
    public void AJoinBeyondTheLimitIsRefusedAsFull()
    {
        for (var i = 0; i < RoomFixture.Options.MaxParticipants; i++)
        {
            _room.Join($"P{i}");
        }

        var error = Assert.Throws<RoomException>(() => _room.Apply(new JoinRoom("One too many", null)));
        Assert.Equal(RoomErrorKind.Full, error.Kind);
    }

    [Fact]
    public void ARetriedJoinWithItsKeyGetsTheSameParticipantAndChangesNothing()
    {
        var first = _room.Join("Ann", key: "k1");

        var again = _room.Apply(new JoinRoom("Ann", "k1"));

        Assert.Null(again.Next);
        Assert.Equal(first.ParticipantId, again.Participant!.ParticipantId);
    }

    [Fact]
    public void ConnectingClearsTheDeadlineAndIsRecordedOnce()
    {
        var ann = _room.Join("Ann");

        var first = _room.Apply(new ConnectParticipant(ann.ParticipantId, "c1", "i1"));
        var second = _room.Apply(new ConnectParticipant(ann.ParticipantId, "c2", "i1"));

        Assert.Equal([RoomEventTypes.ParticipantConnected], first.Events.Select(e => e.Type));
        Assert.Empty(second.Events);
        Assert.Equal((Presence.Connected, null, "c2"), (_room.State.Find(ann.ParticipantId)!.Presence, _room.State.Find(ann.ParticipantId)!.Deadline, _room.State.Find(ann.ParticipantId)!.ConnectionId));
    }

    [Fact]
    public void OnlyTheParticipantsOwnConnectionStartsItsGrace()
    {
        var ann = _room.JoinAndConnect("Ann", "c1");

        Assert.Null(_room.Apply(new DisconnectParticipant(ann.ParticipantId, "stale")).Next);
        _room.Apply(new DisconnectParticipant(ann.ParticipantId, "c1"));

        var now = _room.State.Find(ann.ParticipantId)!;
        Assert.Equal((Presence.Reconnecting, _room.Now + RoomFixture.Options.ReconnectGrace), (now.Presence, now.Deadline));
    }

    [Fact]
    public void MediaChangesAreRecordedAndTheSameMediaChangesNothing()
    {
        var ann = _room.JoinAndConnect("Ann", "c1");

        var changed = _room.Apply(new SetMedia(ann.ParticipantId, false, true));
        var same = _room.Apply(new SetMedia(ann.ParticipantId, false, true));

        Assert.Equal("false", changed.Events.Single().Data!["audio"]);
        Assert.Null(same.Next);
        Assert.Throws<RoomException>(() => _room.Apply(new SetMedia("p-nobody", true, true)));
    }

    [Fact]
    public void ADepartedParticipantMayOnlyRetryItsOwnLeaveWithItsKey()
    {
        var ann = _room.Join("Ann");
        var bob = _room.Join("Bob");
        _room.Apply(new LeaveRoom(bob.ParticipantId, RequireMember: true, LeaveKey: "k-bob"));
        _room.Apply(new LeaveRoom(ann.ParticipantId, RequireMember: true, LeaveKey: "k-ann"));

        var retried = _room.Apply(new LeaveRoom(ann.ParticipantId, RequireMember: true, LeaveKey: "k-ann"));
        var otherKey = Assert.Throws<RoomException>(() => _room.Apply(new LeaveRoom(ann.ParticipantId, RequireMember: true, LeaveKey: "k-bob")));
        var noKey = Assert.Throws<RoomException>(() => _room.Apply(new LeaveRoom(bob.ParticipantId, RequireMember: true)));

        // the call ended with the last leave, and its retry is still answered
        Assert.Equal(RoomPhase.Ended, _room.State.Phase);
        Assert.Null(retried.Next);
        Assert.Equal((RoomErrorKind.NotInRoom, RoomErrorKind.NotInRoom), (otherKey.Kind, noKey.Kind));
        // a new call forgets them
        _room.Join("Cid");
        Assert.Null(_room.State.LeaveKeys);
    }

    [Fact]
    public void JoinAndLeaveCyclesWithFreshKeysDoNotGrowTheRoomBeyondItsNewestLeaveKeys()
    {
        // someone else keeps the call live while one client cycles
        _room.Join("Host");
        var sizes = new List<int>();
        for (var i = 0; i < LeaveKeyLedger.Max * 5; i++)
        {
            var cycler = _room.Join("Cycler");
            _room.Apply(new LeaveRoom(cycler.ParticipantId, RequireMember: true, LeaveKey: $"key-{i}"));
            sizes.Add(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(_room.State).Length);
            if (i >= LeaveKeyLedger.Max)
            {
                // the newest keys still answer a retry; the oldest are gone
                Assert.Null(_room.Apply(new LeaveRoom(cycler.ParticipantId, RequireMember: true, LeaveKey: $"key-{i}")).Next);
            }
        }

        Assert.Equal(LeaveKeyLedger.Max, _room.State.LeaveKeys!.Count);
        // flat once the ledger is full: the last hundred cycles all the same size, within a key's digits
        Assert.InRange(sizes[^1] - sizes[LeaveKeyLedger.Max + 50], 0, LeaveKeyLedger.Max * 2);
    }

    [Fact]
    public void LeavingRemovesWithAReasonAndTheLastLeaveEndsTheCall()
    {
        var ann = _room.Join("Ann");
        var bob = _room.Join("Bob");

        var first = _room.Apply(new LeaveRoom(ann.ParticipantId));
        var last = _room.Apply(new LeaveRoom(bob.ParticipantId));

        Assert.Equal("left", first.Events.Single().Data!["reason"]);
        Assert.Equal([RoomEventTypes.ParticipantLeft, RoomEventTypes.CallEnded], last.Events.Select(e => e.Type));
        Assert.Equal((RoomPhase.Ended, LeaveReasons.Empty), (_room.State.Phase, _room.State.EndReason));
        Assert.Null(_room.Apply(new LeaveRoom(bob.ParticipantId)).Next);
    }

    [Fact]
    public void StatusOfARoomWithoutACallIsNotLiveUnlessAskedForAnyway()
    {
        Assert.Equal(RoomErrorKind.NotLive, Assert.Throws<RoomException>(() => _room.Apply(new GetStatus())).Kind);
        Assert.Null(_room.Apply(new GetStatus(RequireLive: false)).Next);
    }

    [Fact]
    public void EndingACallRemovesEveryoneWithTheAdminsReason()
    {
        _room.Join("Ann");
        _room.Join("Bob");

        var ended = _room.Apply(new EndCall(LeaveReasons.Ended));

        Assert.Equal(["ended", "ended", "ended"], ended.Events.Select(e => e.Data!["reason"]));
        Assert.Equal(RoomPhase.Ended, _room.State.Phase);
        Assert.Equal(RoomErrorKind.NotLive, Assert.Throws<RoomException>(() => _room.Apply(new EndCall(LeaveReasons.Ended))).Kind);
    }

    [Fact]
    public void PeersMustBeTwoParticipantsOfTheRoom()
    {
        var ann = _room.Join("Ann");
        var bob = _room.Join("Bob");

        Assert.Equal(bob.ParticipantId, _room.Apply(new CheckPeers(ann.ParticipantId, bob.ParticipantId)).Participant!.ParticipantId);
        Assert.Throws<RoomException>(() => _room.Apply(new CheckPeers(ann.ParticipantId, ann.ParticipantId)));
        Assert.Throws<RoomException>(() => _room.Apply(new CheckPeers(ann.ParticipantId, "p-nobody")));
    }

    [Fact]
    public void DeadlinesThatPassedRemoveTheirParticipantsAsTimedOut()
    {
        _room.Join("Ann");
        var bob = _room.JoinAndConnect("Bob", "c1");
        Assert.Null(_room.Apply(new ExpireDeadlines()).Next);

        _room.Advance(RoomFixture.Options.JoinTimeout);
        var expired = _room.Apply(new ExpireDeadlines());

        Assert.Equal("timeout", expired.Events.Single().Data!["reason"]);
        Assert.Equal([bob.ParticipantId], _room.State.Participants.Select(p => p.ParticipantId));
    }

    [Fact]
    public void ConnectionsOfADeadInstanceStartTheirGrace()
    {
        var ann = _room.JoinAndConnect("Ann", "c1", "i-dead");
        var bob = _room.JoinAndConnect("Bob", "c2", "i-alive");

        _room.Apply(new ReleaseDeadConnections(new HashSet<string> { "i-dead" }));

        Assert.Equal(Presence.Reconnecting, _room.State.Find(ann.ParticipantId)!.Presence);
        Assert.Equal(Presence.Connected, _room.State.Find(bob.ParticipantId)!.Presence);
        Assert.Null(_room.Apply(new ReleaseDeadConnections(new HashSet<string> { "i-dead" })).Next);
    }

    [Fact]
    public void AFailedRoomEndsItsCallAsFailed()
    {
        _room.Join("Ann");

        _room.Apply(new FailRoom());

        Assert.Equal((RoomPhase.Failed, LeaveReasons.Failed), (_room.State.Phase, _room.State.EndReason));
    }

    [Fact]
    public void CrashRoomChangesNothingByItself()
    {
        _room.Join("Ann");

        // the crash is the fault injector's, after the rules: the rule itself decides nothing
        Assert.Null(_room.Apply(new CrashRoom()).Next);
        Assert.True(new RoomFaultInjector().ShouldCrash("r1", new CrashRoom()));
    }
}
