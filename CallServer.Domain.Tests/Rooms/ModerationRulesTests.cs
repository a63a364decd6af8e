using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;

namespace CallServer.Domain.Tests.Rooms;

/// <summary>One participant per identity, and moderation, by example.</summary>
public sealed class ModerationRulesTests
{
    private readonly RoomFixture _room = new();

    [Fact]
    public void TheSameIdentityJoiningAgainReplacesTheOlderParticipantAndTheCallGoesOn()
    {
        var first = Join("ann");
        var callId = _room.State.CallId;

        var again = _room.Apply(new JoinRoom("Ann", null, new JoinIdentity("ann", null, ParticipantGrants.Default)));

        Assert.Equal([(RoomEventTypes.ParticipantLeft, "replaced"), (RoomEventTypes.ParticipantJoined, (string?)null)],
            again.Events.Select(e => (e.Type, e.Data?.GetValueOrDefault("reason"))));
        Assert.Equal("ann", again.Events[0].Identity);
        Assert.Equal(callId, _room.State.CallId);
        Assert.Equal([again.Participant!.ParticipantId], _room.State.Participants.Select(p => p.ParticipantId));
        Assert.NotEqual(first.ParticipantId, again.Participant.ParticipantId);
    }

    [Fact]
    public void AMuteTurnsMediaOffAndNeverOn()
    {
        var host = Join("host", new ParticipantGrants(Admin: true));
        var bob = Join("bob");
        _room.Apply(new SetMedia(bob.ParticipantId, false, true));

        _room.Apply(new MuteParticipant(host.ParticipantId, bob.ParticipantId, Audio: true, Video: false));

        Assert.Equal((false, false), (_room.State.Find(bob.ParticipantId)!.Audio, _room.State.Find(bob.ParticipantId)!.Video));
        Assert.Equal(RoomErrorKind.NotAllowed, Assert.Throws<RoomException>(() => _room.Apply(new MuteParticipant(bob.ParticipantId, host.ParticipantId, false, false))).Kind);
    }

    [Fact]
    public void AKickedIdentityMayNotRejoinTheCallUntilItsBanEnds()
    {
        Join("host", new ParticipantGrants(Admin: true));
        var bob = Join("bob");

        var kicked = _room.Apply(new RemoveParticipant(null, bob.ParticipantId));

        Assert.Equal("kicked", kicked.Events.Single().Data!["reason"]);
        Assert.Equal(RoomErrorKind.Banned, Assert.Throws<RoomException>(() => Join("bob")).Kind);
        _room.Advance(TimeSpan.FromSeconds(RoomFixture.Options.KickBanSeconds));
        Assert.Equal("bob", Join("bob").Identity);
    }

    [Fact]
    public void AKickThatEmptiesTheCallStillBansTheIdentityFromTheRoomsNextCall()
    {
        var bob = Join("bob");

        _room.Apply(new RemoveParticipant(null, bob.ParticipantId));

        Assert.False(_room.State.IsLive);
        Assert.Equal(RoomErrorKind.Banned, Assert.Throws<RoomException>(() => Join("bob")).Kind);
        // someone else starts the next call; the ban goes on until it ends, and is gone after
        Join("ann");
        Assert.Equal(RoomErrorKind.Banned, Assert.Throws<RoomException>(() => Join("bob")).Kind);
        _room.Advance(TimeSpan.FromSeconds(RoomFixture.Options.KickBanSeconds));
        Assert.Equal("bob", Join("bob").Identity);
    }

    private Participant Join(string identity, ParticipantGrants? grants = null) =>
        _room.Apply(new JoinRoom(identity, null, new JoinIdentity(identity, null, grants ?? ParticipantGrants.Default))).Participant!;
}
