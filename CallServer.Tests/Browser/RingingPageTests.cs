using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Browser;

/// <summary>The browser client calls someone by identity (docs/API.md §6, §9): it rings in every tab of the callee, one answers, the other stops ringing, and both sides decode video.</summary>
[Trait("Category", "Browser")]
[Collection(RedisCollection.Name)]
public sealed class RingingPageTests(RedisServer redis, Chromium chromium) : IClassFixture<Chromium>, IDisposable
{
    private readonly CallServerApplication _app = new CallServerApplication(redis.ConnectionString).Start();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task AnnCallsBobOneOfBobsTabsAnswersTheOtherStopsRingingAndVideoFlowsBothWays()
    {
        var bob = new CallPage(await chromium.OpenAsync(new Uri(_app.BaseAddress, "/?me=bob&name=Bob&signin=1")));
        var bobElsewhere = new CallPage(await chromium.OpenAsync(new Uri(_app.BaseAddress, "/?me=bob&name=Bob&signin=1")));
        var ann = new CallPage(await chromium.OpenAsync(new Uri(_app.BaseAddress, "/?me=ann&name=Ann&signin=1")));
        foreach (var page in new[] { bob, bobElsewhere, ann })
        {
            await Eventually.TrueAsync(() => page.Page.IsEnabledAsync("#call"), "signed in to calls");
        }

        await ann.Page.FillAsync("#callee", "bob");
        await ann.Page.ClickAsync("#call");

        // both of Bob's tabs ring, with Ann's name
        foreach (var page in new[] { bob, bobElsewhere })
        {
            await Eventually.TrueAsync(() => page.Page.IsVisibleAsync("#incoming"), "Bob's tab rings");
            Assert.Equal("Ann", await page.Page.InnerTextAsync("#incoming-from"));
        }

        await bob.Page.ClickAsync("#accept");

        await Eventually.TrueAsync(async () => !await bobElsewhere.Page.IsVisibleAsync("#incoming"), "the other tab stops ringing");
        Assert.Contains("answered on another device", await bobElsewhere.StatusTextAsync());
        await ann.WaitForFramesAsync("Ann");
        await bob.WaitForFramesAsync("Bob");
        Assert.Equal(1, await ann.RemoteVideosAsync());
    }
}
