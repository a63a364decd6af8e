using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.Media;

/// <summary>What a call made on Janus goes with the call, even when a publish races the last participant's leave.</summary>
[Trait("Category", "Media")]
[Collection(RedisCollection.Name)]
public sealed class JanusCleanupTests(RedisServer redis) : IAsyncLifetime
{
    private const string Sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";

    private readonly JanusServer _janus = new();
    private CallServerApplication _app = null!;

    public async Task InitializeAsync()
    {
        await _janus.InitializeAsync();
        _app = _janus.StartCallServer(redis.ConnectionString, requestTimeoutSeconds: 2);
    }

    public Task DisposeAsync() => _app.DisposeBeforeAsync(_janus.DisposeAsync);

    [Fact]
    public async Task APublishRacingTheLastLeaveLeavesNoVideoRoomBehind()
    {
        for (var round = 0; round < 12; round++)
        {
            var room = $"race-{round}-" + Guid.NewGuid().ToString("N")[..6];
            var ann = await _app.JoinAsync(room, "Ann");
            await using var hub = await _app.ConnectAsync(ann);
            using var client = _app.WithToken(ann.Token);

            // the publish makes the call's VideoRoom while the leave ends the call
            var publish = PublishQuietlyAsync(hub.Connection);
            (await client.PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
            await publish;
        }

        // every call ended, so Janus holds no VideoRoom (rooms are private: listed with the admin key)
        var left = await Eventually.ValueAsync(() => _janus.ListRoomsAsync(), rooms => rooms.Count == 0, "no VideoRoom left on Janus");
        Assert.Empty(left);
    }

    [Fact]
    public async Task VideoRoomsArePrivateAndTheServerSpeaksWithJanussApiSecret()
    {
        var room = "private-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        await using var hub = await _app.ConnectAsync(ann);

        // Janus refuses requests without its api_secret, and creation without the admin key: a VideoRoom made shows both sent
        await PublishQuietlyAsync(hub.Connection);
        var rooms = await Eventually.ValueAsync(() => _janus.ListRoomsAsync(), r => r.Count == 1, "the call's VideoRoom");

        Assert.Single(rooms);
        Assert.Empty(await _janus.ListRoomsAsync(withAdminKey: false));
    }

    /// <summary>A publish whose answer does not matter here (Janus may refuse this bare SDP once the VideoRoom exists).</summary>
    private static async Task PublishQuietlyAsync(HubConnection connection)
    {
        try
        {
            await connection.InvokeAsync<string>("Publish", Sdp);
        }
        catch (Exception)
        {
            // refused by Janus, or the call ended first: either way the VideoRoom is what this test watches
        }
    }
}
