using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.Media;

[Trait("Category", "Media")]
[Collection(RedisCollection.Name)]
public sealed class MediaRequestTests(RedisServer redis) : IAsyncLifetime
{
    private readonly JanusServer _janus = new();
    private CallServerApplication _app = null!;

    public async Task InitializeAsync()
    {
        await _janus.InitializeAsync();
        _app = _janus.StartCallServer(redis.ConnectionString, requestTimeoutSeconds: 2);
    }

    public Task DisposeAsync() => _app.DisposeBeforeAsync(_janus.DisposeAsync);

    [Fact]
    public async Task BadMediaRequestsGetAClearHubExceptionAndDisturbNothing()
    {
        var room = "sfu-bad-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        var bob = await _app.JoinAsync(room, "Bob");
        var eve = await _app.JoinAsync(room + "-x", "Eve");
        await using var annHub = await _app.ConnectAsync(ann);
        await using var bobHub = await _app.ConnectAsync(bob);
        Assert.Equal("janus", ann.MediaMode);
        var before = await annHub.Connection.InvokeAsync<RoomStatus>("GetStatus");

        async Task<string> Refused(params object[] call) =>
            (await Assert.ThrowsAsync<HubException>(() => annHub.Connection.InvokeCoreAsync<object>((string)call[0], call[1..]))).Message;

        Assert.Contains("Bad SDP", await Refused("Publish", "this is not a session description"));
        Assert.Contains("Unknown publisher", await Refused("Subscribe", eve.ParticipantId));
        Assert.Contains("Unknown publisher", await Refused("Subscribe", ann.ParticipantId));
        Assert.Contains("not publishing", await Refused("Subscribe", bob.ParticipantId));
        Assert.Contains("Bad candidate", await Refused("Trickle", "publish", "{not json"));
        Assert.Contains("Unknown publisher", await Refused("Trickle", eve.ParticipantId, "{\"candidate\":\"candidate:1 1 udp 1 127.0.0.1 9 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}"));
        Assert.Contains("Bad SDP", await Refused("Answer", bob.ParticipantId, ""));
        Assert.Contains("is not in room", await Refused("Signal", eve.ParticipantId, "offer", "v=0"));

        var after = await annHub.Connection.InvokeAsync<RoomStatus>("GetStatus");
        Assert.Equal(before.Version, after.Version);
        var media = await bobHub.Connection.InvokeAsync<RoomStatus>("SetMedia", false, true);
        Assert.Equal(before.Version + 1, media.Version);
    }

    [Fact]
    public async Task MeshServersRefuseSfuRequestsWithAClearMessage()
    {
        using var mesh = new CallServerApplication(redis.ConnectionString).Start();
        var ann = await mesh.JoinAsync("mesh-only-" + Guid.NewGuid().ToString("N")[..6], "Ann");
        await using var hub = await mesh.ConnectAsync(ann);

        var error = await Assert.ThrowsAsync<HubException>(() => hub.Connection.InvokeAsync<string>("Publish", "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"));

        Assert.Contains("mesh mode", error.Message);
        Assert.Contains("HubException: [invalid_media] ", error.Message, StringComparison.Ordinal);
        Assert.Equal("mesh", ann.MediaMode);
    }
}
