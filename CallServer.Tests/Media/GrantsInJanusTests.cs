using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using static CallServer.Tests.Infrastructure.JoinTokenMinter;

namespace CallServer.Tests.Media;

/// <summary>Grants hold in an SFU mode too (a real Janus): a listener may not publish, a participant without subscribe may not subscribe.</summary>
[Trait("Category", "Media")]
[Collection(RedisCollection.Name)]
public sealed class GrantsInJanusTests(RedisServer redis) : IAsyncLifetime
{
    private const string Sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
    private readonly JanusServer _janus = new();
    private CallServerApplication _app = null!;

    public async Task InitializeAsync()
    {
        await _janus.InitializeAsync();
        _app = _janus.StartCallServer(redis.ConnectionString, requestTimeoutSeconds: 2, new Dictionary<string, string?> { ["Auth:JoinSecret"] = Secret });
    }

    public Task DisposeAsync() => _app.DisposeBeforeAsync(_janus.DisposeAsync);

    [Fact]
    public async Task WithoutTheirGrantsParticipantsMayNotPublishOrSubscribe()
    {
        var room = "grants-" + Guid.NewGuid().ToString("N")[..8];
        var listener = await JoinedAsync(_app, room, "listener", Grants(publish: false));
        var deaf = await JoinedAsync(_app, room, "deaf", Grants(subscribe: false));
        await using var listenerHub = await _app.ConnectAsync(listener);
        await using var deafHub = await _app.ConnectAsync(deaf);
        Assert.Equal("janus", listener.MediaMode);

        var publish = await Assert.ThrowsAsync<HubException>(() => listenerHub.Connection.InvokeAsync<string>("Publish", Sdp));
        var subscribe = await Assert.ThrowsAsync<HubException>(() => deafHub.Connection.InvokeAsync<string>("Subscribe", listener.ParticipantId));

        Assert.Contains("may not publish", publish.Message);
        Assert.Contains("may not subscribe", subscribe.Message);
    }
}
