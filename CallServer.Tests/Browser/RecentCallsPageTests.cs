using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Browser;

/// <summary>The browser client's recent calls (docs/API.md §6, §10): each user's list, the missed call marked and counted, and a call back that rings.</summary>
[Trait("Category", "Browser")]
[Collection(RedisCollection.Name)]
public sealed class RecentCallsPageTests(RedisServer redis, Chromium chromium) : IClassFixture<Chromium>, IDisposable
{
    // rings end missed after 5 s, so that a missed call does not take the default 30
    private readonly CallServerApplication _app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?> { ["Rooms:RingSeconds"] = "5" }).Start();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task BobSeesTheDeclinedAndTheMissedCallAnnSeesHerOutgoingOnesAndBobCallsBack()
    {
        var bob = new CallPage(await chromium.OpenAsync(new Uri(_app.BaseAddress, "/?me=bob&name=Bob&signin=1")));
        var ann = new CallPage(await chromium.OpenAsync(new Uri(_app.BaseAddress, "/?me=ann&name=Ann&signin=1")));
        foreach (var page in new[] { bob, ann })
        {
            await Eventually.TrueAsync(() => page.Page.IsEnabledAsync("#call"), "signed in to calls");
        }

        // Ann calls Bob, who declines
        await ann.Page.FillAsync("#callee", "bob");
        await ann.Page.ClickAsync("#call");
        await Eventually.TrueAsync(() => bob.Page.IsVisibleAsync("#incoming"), "Bob's tab rings");
        await bob.Page.ClickAsync("#decline");
        await Eventually.TrueAsync(() => ann.Page.IsEnabledAsync("#call"), "Ann's call ended");

        // Ann calls again; nobody answers within the 5 s ring
        await ann.Page.ClickAsync("#call");
        await Eventually.TrueAsync(() => bob.Page.IsVisibleAsync("#incoming"), "Bob's tab rings again");
        await Eventually.TrueAsync(async () => !await bob.Page.IsVisibleAsync("#incoming"), "the ring missed", TimeSpan.FromSeconds(20));

        var bobsRows = await Eventually.ValueAsync(() => RowsAsync(bob), rows => rows.Count == 2, "Bob's two recent calls");
        Assert.Equal([("incoming", "missed", "missed"), ("incoming", "declined", "")], bobsRows);
        Assert.Contains("Ann", await bob.Page.InnerTextAsync("#recents li.missed"));
        await Eventually.TrueAsync(async () => await bob.Page.InnerTextAsync("#missed-badge") == "1", "Bob's missed-call badge");
        var annsRows = await Eventually.ValueAsync(() => RowsAsync(ann), rows => rows.Count == 2, "Ann's two recent calls");
        Assert.Equal([("outgoing", "not_answered", ""), ("outgoing", "not_answered", "")], annsRows);

        // marking the list seen clears the badge; calling back from the missed call rings Ann
        await bob.Page.ClickAsync("#missed-badge");
        await Eventually.TrueAsync(async () => !await bob.Page.IsVisibleAsync("#missed-badge"), "the badge cleared");
        await bob.Page.ClickAsync("#recents li.missed button[data-action=call-back]");
        await Eventually.TrueAsync(() => ann.Page.IsVisibleAsync("#incoming"), "Ann's tab rings");
        Assert.Equal("Bob", await ann.Page.InnerTextAsync("#incoming-from"));
    }

    private static async Task<List<(string, string, string)>> RowsAsync(CallPage page) =>
        [.. (await page.Page.EvaluateAsync<string[][]>("""
            () => [...document.querySelectorAll('#recents li')].map(li => [li.dataset.direction, li.dataset.outcome, li.className])
            """)).Select(r => (r[0], r[1], r[2]))];
}
