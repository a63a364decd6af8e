using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Browser;

[Trait("Category", "Browser")]
[Collection(RedisCollection.Name)]
public sealed class MeshCallTests(RedisServer redis, Chromium chromium) : IClassFixture<Chromium>, IDisposable
{
    private readonly CallServerApplication _app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
    {
        ["Rooms:ReconnectGraceSeconds"] = "3",
    }).Start();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task TwoPagesHoldAVideoCallThroughTheMeshRelayAndSeeALeaverGo()
    {
        var room = "mesh-" + Guid.NewGuid().ToString("N")[..8];
        var ann = new CallPage(await chromium.OpenAsync(new Uri(_app.BaseAddress, $"/?room={room}&name=Ann&autojoin=1")));
        var bob = new CallPage(await chromium.OpenAsync(new Uri(_app.BaseAddress, $"/?room={room}&name=Bob&autojoin=1")));

        await ann.WaitForFramesAsync("Ann");
        await bob.WaitForFramesAsync("Bob");

        var bobId = await bob.MeAsync();
        var annId = await ann.MeAsync();
        var seen = await Eventually.ValueAsync(ann.ParticipantsAsync, p => p.Count == 2 && p.Values.All(v => v == "connected"), "both connected at Ann");
        Assert.Equal(new[] { annId, bobId }.Order(), seen.Keys.Order());
        Assert.Equal(1, await ann.RemoteVideosAsync());
        Assert.Contains("2 in call", await ann.StatusTextAsync());
        Assert.Equal(1, await ann.Page.Locator($"video[data-participant-id=\"{bobId}\"]").CountAsync());

        await bob.Page.Context.CloseAsync();

        await Eventually.TrueAsync(async () => (await ann.ParticipantsAsync()).GetValueOrDefault(bobId) == "reconnecting", "Bob reconnecting at Ann");
        await Eventually.TrueAsync(async () => !(await ann.ParticipantsAsync()).ContainsKey(bobId), "Bob gone at Ann after the grace");
        Assert.Contains("1 in call", await ann.StatusTextAsync());
        Assert.Equal(0, await ann.RemoteVideosAsync());
    }

    [Fact]
    public async Task TwoPagesChatWithSendData()
    {
        var room = "chat-" + Guid.NewGuid().ToString("N")[..8];
        var ann = new CallPage(await chromium.OpenAsync(new Uri(_app.BaseAddress, $"/?room={room}&name=Ann&autojoin=1")));
        var bob = new CallPage(await chromium.OpenAsync(new Uri(_app.BaseAddress, $"/?room={room}&name=Bob&autojoin=1")));
        await Eventually.ValueAsync(ann.ParticipantsAsync, p => p.Count == 2 && p.Values.All(v => v == "connected"), "both connected at Ann");
        var annId = await ann.MeAsync();

        await ann.Page.FillAsync("#chat-text", "hello Bob");
        await ann.Page.ClickAsync("#chat-send");

        var line = bob.Page.Locator($"#chat-log li[data-from=\"{annId}\"]");
        await Eventually.TrueAsync(async () => await line.CountAsync() == 1, "Ann's message at Bob");
        Assert.Equal("Annhello Bob", await line.InnerTextAsync());
        Assert.Equal(1, await ann.Page.Locator("#chat-log li").CountAsync());
    }

    [Fact]
    public async Task MutingShowsAtTheOtherPage()
    {
        var room = "mute-" + Guid.NewGuid().ToString("N")[..8];
        var ann = new CallPage(await chromium.OpenAsync(new Uri(_app.BaseAddress, $"/?room={room}&name=Ann&autojoin=1")));
        var bob = new CallPage(await chromium.OpenAsync(new Uri(_app.BaseAddress, $"/?room={room}&name=Bob&autojoin=1")));
        await Eventually.ValueAsync(bob.ParticipantsAsync, p => p.Count == 2 && p.Values.All(v => v == "connected"), "both connected at Bob");

        await ann.Page.ClickAsync("#toggle-audio");

        var annId = await ann.MeAsync();
        await Eventually.TrueAsync(
            async () => (await bob.Page.InnerTextAsync($"#participants li[data-participant-id=\"{annId}\"]")).Contains("muted", StringComparison.Ordinal),
            "Ann muted at Bob");
        var status = await _app.StatusAsync(room);
        Assert.False(status.Participants.Single(p => p.ParticipantId == annId).Audio);
        await ann.Page.ClickAsync("#leave");
        await Eventually.TrueAsync(async () => (await bob.ParticipantsAsync()).Count == 1, "Ann gone at Bob");
        await bob.Page.Context.CloseAsync();
        await ann.Page.Context.CloseAsync();
    }
}
