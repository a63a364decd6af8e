using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Browser;

[Trait("Category", "Media")]
[Collection(RedisCollection.Name)]
public sealed class JanusCallTests(RedisServer redis, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly JanusServer _janus = new();
    private CallServerApplication _app = null!;

    public async Task InitializeAsync()
    {
        await _janus.InitializeAsync();
        _app = _janus.StartCallServer(redis.ConnectionString, requestTimeoutSeconds: 10);
    }

    public Task DisposeAsync() => _app.DisposeBeforeAsync(_janus.DisposeAsync);

    [Fact]
    public async Task PagesPublishAndSubscribeThroughJanusAndRenegotiateAfterJanusRestarts()
    {
        var room = "janus-" + Guid.NewGuid().ToString("N")[..8];
        var ann = new CallPage(await chromium.OpenAsync(new Uri(_app.BaseAddress, $"/?room={room}&name=Ann&autojoin=1")));
        var bob = new CallPage(await chromium.OpenAsync(new Uri(_app.BaseAddress, $"/?room={room}&name=Bob&autojoin=1")));

        await ann.WaitForFramesAsync("Ann");
        await bob.WaitForFramesAsync("Bob");
        Assert.Equal("janus", await ann.Page.EvaluateAsync<string>("() => call.mode"));
        var annId = await ann.MeAsync();
        var before = await _app.StatusAsync(room);

        foreach (var page in new[] { ann, bob })
        {
            await page.Page.EvaluateAsync("() => { window.oldPeers = [...call.subscriptions.values()].map((s) => s.pc); }");
        }

        await _janus.KillAsync();
        await _janus.StartAsync();

        // the room kept its participants; clients were asked to renegotiate and media flows on new peer connections
        foreach (var page in new[] { ann, bob })
        {
            await Eventually.TrueAsync(() => page.Page.EvaluateAsync<bool>("""
                async () => {
                  for (const s of call.subscriptions.values()) {
                    if (window.oldPeers.includes(s.pc)) continue;
                    let frames = 0;
                    (await s.pc.getStats()).forEach((r) => { if (r.type === "inbound-rtp" && r.kind === "video") frames += r.framesDecoded || 0; });
                    if (frames > 0) return true;
                  }
                  return false;
                }
                """), "frames again through the restarted Janus", TimeSpan.FromSeconds(45));
        }

        var after = await _app.StatusAsync(room);
        Assert.Equal(before.Participants.Select(p => p.ParticipantId), after.Participants.Select(p => p.ParticipantId));
        Assert.Equal(before.CallId, after.CallId);
        Assert.Equal(1, await bob.Page.Locator($"video[data-participant-id=\"{annId}\"]").CountAsync());
    }
}
