using System.Text;
using System.Text.Json;
using CallServer.Fanout;

namespace CallServer.Tests.Fanout;

public sealed class PublishedStatusTests
{
    private const string Status =
        """{"roomId":"r1","callId":"c1","state":"active","participants":[{"participantId":"p1","displayName":"A \"quoted\"","media":{"audio":true,"video":false}},{"displayName":"B","participantId":"p2"}],"version":7}""";

    [Fact]
    public void ReadsWhatTheRelayNeedsAndKeepsTheStatusJsonByteForByte()
    {
        var update = PublishedStatus.Read(Encoding.UTF8.GetBytes($$"""{"status":{{Status}},"endReason":null}"""));

        Assert.Equal("r1", update.RoomId);
        Assert.Equal("c1", update.CallId);
        Assert.Equal(7, update.Version);
        Assert.Equal(["p1", "p2"], update.ParticipantIds.Order());
        Assert.Null(update.EndReason);
        Assert.Equal(Status, Encoding.UTF8.GetString(update.StatusJson.Span));
    }

    [Fact]
    public void ReadsTheEndReasonOfAnEndedCall()
    {
        var update = PublishedStatus.Read(Encoding.UTF8.GetBytes($$"""{"endReason":"ended-by-admin","status":{{Status}}}"""));

        Assert.Equal("ended-by-admin", update.EndReason);
        Assert.Equal(Status, Encoding.UTF8.GetString(update.StatusJson.Span));
    }

    [Theory]
    [InlineData("""{"status":{"roomId":"r1"}}""")]
    [InlineData("""{"status":{"roomId":"r1","version":3""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"status":{"roomId":"r1","version":3,"participants":[null,{"participantId":"p1"}]}}""")]
    [InlineData("""{"status":{"roomId":"r1","version":3,"participants":[{"participantId":"p1"},7]}}""")]
    [InlineData("""not json""")]
    public void RefusesWhatIsNotARoomUpdate(string message) =>
        Assert.ThrowsAny<JsonException>(() => PublishedStatus.Read(Encoding.UTF8.GetBytes(message)));
}
