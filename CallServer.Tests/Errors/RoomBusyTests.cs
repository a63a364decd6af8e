using System.Net;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Errors;

/// <summary>
/// A room whose mailbox is full answers <c>room_busy</c> at once (503, retry): shown with a Redis of its own frozen by SIGSTOP,
/// so that the worker hangs on its first command while the others queue up.
/// </summary>
public sealed class RoomBusyTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();

    public Task InitializeAsync() => _redis.InitializeAsync();

    public Task DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public async Task AFullMailboxAnswersRoomBusyAtOnceAndTheRestStoreUnavailable()
    {
        using var app = new CallServerApplication(_redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Rooms:MailboxCapacity"] = "16",
            ["Redis:TimeoutMs"] = "1000",
            ["Limits:ReadsPerMinute"] = "0",
        }).Start();
        var room = "busy-" + Guid.NewGuid().ToString("N")[..8];
        await app.JoinAsync(room, "Ann");

        await _redis.FreezeAsync();
        List<(HttpStatusCode Status, string? Code)> answers;
        try
        {
            // the first read hangs on the frozen store, 16 wait in the mailbox, the rest find it full
            using var admin = app.Admin();
            answers = [.. await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
            {
                using var response = await admin.GetAsync($"/rooms/{room}");
                return (response.StatusCode, await response.ErrorCodeAsync());
            }))];
        }
        finally
        {
            await _redis.ThawAsync();
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status));
        Assert.Contains(answers, a => a.Code == "room_busy");
        Assert.Contains(answers, a => a.Code == "store_unavailable");
        Assert.All(answers, a => Assert.True(a.Code is "room_busy" or "store_unavailable", a.Code));
    }
}
