using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;

namespace CallServer.Domain.Tests.Rooms;

/// <summary>What a participant's grants allow, in every media mode (the rules, so every mode enforces them).</summary>
public sealed class GrantRulesTests
{
    private const string Sdp = "v=0\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
    private readonly RoomFixture _room = new();

    [Fact]
    public void WithoutPublishAParticipantJoinsMutedMayOnlyTurnMediaOffAndMayNotPublishOrOffer()
    {
        var viewer = Join("viewer", new ParticipantGrants(Publish: false));
        var speaker = Join("speaker", ParticipantGrants.Default);

        Assert.Equal((false, false), (viewer.Audio, viewer.Video));
        Assert.Equal(RoomErrorKind.NotAllowed, Assert.Throws<RoomException>(() => _room.Apply(new SetMedia(viewer.ParticipantId, true, false))).Kind);
        Assert.Null(_room.Apply(new SetMedia(viewer.ParticipantId, false, false)).Next);
        Assert.Equal(RoomErrorKind.NotAllowed, Assert.Throws<RoomException>(() => MediaRules.Check(_room.State, new PublishMedia(viewer.ParticipantId, Sdp))).Kind);
        Assert.Equal(RoomErrorKind.NotAllowed, Assert.Throws<RoomException>(() => _room.Apply(new CheckPeers(viewer.ParticipantId, speaker.ParticipantId, Offer: true))).Kind);
        Assert.NotNull(_room.Apply(new CheckPeers(viewer.ParticipantId, speaker.ParticipantId)).Participant);
    }

    [Fact]
    public void WithoutSubscribeAParticipantMayNotSubscribe()
    {
        var deaf = Join("deaf", new ParticipantGrants(Subscribe: false));
        var speaker = Join("speaker", ParticipantGrants.Default);

        Assert.Equal(RoomErrorKind.NotAllowed, Assert.Throws<RoomException>(() => MediaRules.Check(_room.State, new SubscribeMedia(deaf.ParticipantId, speaker.ParticipantId))).Kind);
        MediaRules.Check(_room.State, new PublishMedia(deaf.ParticipantId, Sdp));
    }

    [Fact]
    public void AnOpenServersParticipantHasItsIdAsIdentityAndTheDefaultGrants()
    {
        var ann = _room.Join("Ann");

        var status = RoomStatus.From(_room.State).Participants.Single();

        Assert.Equal((ann.ParticipantId, null, ParticipantGrants.Default), (status.Identity, status.Metadata, status.Grants));
    }

    private Participant Join(string identity, ParticipantGrants grants) =>
        _room.Apply(new JoinRoom(identity, null, new JoinIdentity(identity, null, grants))).Participant!;
}
