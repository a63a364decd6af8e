using Microsoft.Playwright;

namespace CallServer.Tests.Infrastructure;

/// <summary>The browser client as a test sees it, through the stable hooks of the contract (docs/API.md §6).</summary>
internal sealed class CallPage(IPage page)
{
    public IPage Page { get; } = page;

    /// <summary>Video frames this page decoded from others, summed over its peer connections (getStats inbound-rtp).</summary>
    public Task<int> FramesDecodedAsync() => Page.EvaluateAsync<int>("""
        async () => {
          let frames = 0;
          const peers = [...call.peers.values(), ...call.subscriptions.values()];
          for (const peer of peers) {
            (await peer.pc.getStats()).forEach((r) => { if (r.type === "inbound-rtp" && r.kind === "video") frames += r.framesDecoded || 0; });
          }
          return frames;
        }
        """);

    /// <summary>participantId → presence, as the page lists them.</summary>
    public async Task<Dictionary<string, string>> ParticipantsAsync() =>
        (await Page.EvaluateAsync<string[][]>("""
            () => [...document.querySelectorAll("#participants li[data-participant-id]")].map((li) => [li.dataset.participantId, li.dataset.presence])
            """)).ToDictionary(p => p[0], p => p[1]);

    public Task<string> MeAsync() => Page.EvaluateAsync<string>("() => call.me || ''");

    public Task<string> StatusTextAsync() => Page.InnerTextAsync("#status");

    public Task<int> RemoteVideosAsync() => Page.EvaluateAsync<int>("() => document.querySelectorAll('video[data-participant-id]').length");

    public Task WaitForFramesAsync(string who) =>
        Eventually.TrueAsync(async () => await FramesDecodedAsync() > 0, $"video frames decoded at {who}", TimeSpan.FromSeconds(30));
}
