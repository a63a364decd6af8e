using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Shutdown;

/// <summary>
/// After the drain, the requests still in flight have <c>Shutdown:StopSeconds</c> to be answered: a join that waits on a
/// Redis frozen by SIGSTOP when the SIGTERM comes gets its 503, not a reset connection (the published server).
/// </summary>
public sealed partial class StopBudgetTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();

    public Task InitializeAsync() => _redis.InitializeAsync();

    public Task DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public async Task ARequestInFlightWhenTheDrainEndsIsStillAnswered()
    {
        using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Redis"] = _redis.ConnectionString,
            ["Storage:DataDir"] = Directory.CreateTempSubdirectory("callserver-data-").FullName,
            ["Auth:AdminKey"] = CallServerApplication.AdminKey,
            ["Shutdown:DrainSeconds"] = "2",
            ["Redis:TimeoutMs"] = "4000",
        });
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        using var admin = new HttpClient { BaseAddress = server.Address };
        admin.DefaultRequestHeaders.Add("X-Api-Key", CallServerApplication.AdminKey);
        var room = "stop-" + Guid.NewGuid().ToString("N")[..8];
        (await http.PostAsJsonAsync($"/rooms/{room}/join", new { displayName = "Ann" })).EnsureSuccessStatusCode();

        await _redis.FreezeAsync();
        try
        {
            // Bob's join waits in the room's worker on the frozen store; a read queued behind it shows that it does
            var join = http.PostAsJsonAsync($"/rooms/{room}/join", new { displayName = "Bob" });
            var read = admin.GetAsync($"/rooms/{room}");
            await Eventually.TrueAsync(async () => MailboxDepth().Match(await admin.GetStringAsync("/metrics")) is { Success: true } m
                && double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1, "Bob's join in the worker, a read behind it");

            // the drain ends after 2 s; the join is answered by the store's timeout at 4 s, within the stop budget
            await server.TerminateAsync();
            using var answer = await join;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            Assert.Equal("store_unavailable", await answer.ErrorCodeAsync());
            Assert.NotNull(answer.Headers.RetryAfter);
            (await read).Dispose();
        }
        finally
        {
            await _redis.ThawAsync();
        }

        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(20)));
    }

    [GeneratedRegex(@"^callserver_room_mailbox_depth(?:\{[^}]*\})? ([0-9.e+-]+)", RegexOptions.Multiline)]
    private static partial Regex MailboxDepth();
}
