using Microsoft.Playwright;

namespace CallServer.Tests.Infrastructure;

/// <summary>Debian's headless Chromium driven by Playwright, with fake camera and microphone, WebRTC on loopback only.</summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string Executable = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException("chromium is not installed: run the tests through ./scripts/test.sh, which installs it.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Args =
            [
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--allow-loopback-in-peer-connection",
                "--autoplay-policy=no-user-gesture-required", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-features=WebRtcHideLocalIpsWithMdns", "--disable-gpu",
            ],
        });
    }

    /// <summary>A fresh page (its own context: its own storage) on <paramref name="url"/>.</summary>
    public async Task<IPage> OpenAsync(Uri url)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Permissions = ["camera", "microphone"] });
        var page = await context.NewPageAsync();
        await page.GotoAsync(url.ToString());
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
