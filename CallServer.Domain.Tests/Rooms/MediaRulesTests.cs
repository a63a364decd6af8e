using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;

namespace CallServer.Domain.Tests.Rooms;

/// <summary>What <see cref="MediaRules"/> lets through to the media server, by example.</summary>
public sealed class MediaRulesTests
{
    private const string Sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
    private readonly RoomFixture _room = new();
    private readonly string _ann;
    private readonly string _bob;

    public MediaRulesTests()
    {
        _ann = _room.Join("Ann").ParticipantId;
        _bob = _room.Join("Bob").ParticipantId;
    }

    [Fact]
    public void WellFormedRequestsOfParticipantsPass()
    {
        MediaRules.Check(_room.State, new PublishMedia(_ann, Sdp));
        MediaRules.Check(_room.State, new SubscribeMedia(_ann, _bob));
        MediaRules.Check(_room.State, new AnswerMedia(_ann, _bob, Sdp));
        MediaRules.Check(_room.State, new TrickleMedia(_ann, MediaRules.PublishTarget, """{"candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host","sdpMid":"0"}"""));
        MediaRules.Check(_room.State, new TrickleMedia(_ann, _bob, """{"completed":true}"""));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not sdp")]
    [InlineData("v=0\r\ns=-\r\n")]
    public void BadSdpIsRefusedAsInvalidMedia(string sdp) =>
        Assert.Equal(RoomErrorKind.InvalidMedia, Assert.Throws<RoomException>(() => MediaRules.Check(_room.State, new PublishMedia(_ann, sdp))).Kind);

    [Theory]
    [InlineData("{}")]
    [InlineData("[1]")]
    [InlineData("{\"candidate\":1}")]
    [InlineData("{not json")]
    public void BadCandidatesAreRefusedAsInvalidMedia(string candidate) =>
        Assert.Equal(RoomErrorKind.InvalidMedia, Assert.Throws<RoomException>(() => MediaRules.Check(_room.State, new TrickleMedia(_ann, MediaRules.PublishTarget, candidate))).Kind);

    [Fact]
    public void OnlyAnotherParticipantCanBeSubscribedTo()
    {
        Assert.Equal(RoomErrorKind.InvalidMedia, Assert.Throws<RoomException>(() => MediaRules.Check(_room.State, new SubscribeMedia(_ann, _ann))).Kind);
        Assert.Equal(RoomErrorKind.InvalidMedia, Assert.Throws<RoomException>(() => MediaRules.Check(_room.State, new SubscribeMedia(_ann, "p-nobody"))).Kind);
        Assert.Equal(RoomErrorKind.NotInRoom, Assert.Throws<RoomException>(() => MediaRules.Check(_room.State, new SubscribeMedia("p-nobody", _ann))).Kind);
    }
}
