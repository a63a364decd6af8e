using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.Errors;

/// <summary>Each refusal carries its code, as an app sees it: the ProblemDetails <c>type</c>, <c>code</c> and <c>retry</c>; the hub's <c>[code]</c>.</summary>
[Collection(RedisCollection.Name)]
public sealed class ErrorCodeTests(RedisServer redis) : IDisposable
{
    private readonly CallServerApplication _app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
    {
        ["Rooms:MaxParticipants"] = "2",
        ["Limits:LeavesPerMinute"] = "3",
    }).Start();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task RestRefusalsCarryTheirCodeTypeAndRetry()
    {
        var room = NewRoom();
        var ann = await _app.JoinAsync(room, "Ann");
        await _app.JoinAsync(room, "Bob");
        var annClient = _app.WithToken(ann.Token);

        await AssertProblemAsync(await _app.CreateClient().PostAsync($"/rooms/{room}/join", Json("{\"displayName\":42}")), 400, "invalid_request", false);
        await AssertProblemAsync(await _app.CreateClient().PostAsync($"/rooms/{room}/join", Json("{\"displayName\":\"Cid\"}")), 409, "room_full", false);
        await AssertProblemAsync(await _app.CreateClient().PostAsync($"/rooms/{room}/leave", null), 401, "unauthorized", false);
        await AssertProblemAsync(await _app.Admin().GetAsync($"/rooms/{NewRoom()}"), 404, "room_not_live", false);
        await AssertProblemAsync(await _app.Admin().PostAsJsonAsync($"/rooms/{room}/participants/p-nobody/mute", new { audio = false }), 404, "unknown_participant", false);
        await AssertProblemAsync(await _app.CreateClient().GetAsync("/no/such/path"), 404, "not_found", false);
        await AssertProblemAsync(await _app.CreateClient().PostAsync($"/rooms/{room}/join", Json("{\"displayName\":\"" + new string('x', 20_000) + "\"}")), 413, "payload_too_large", false);

        (await annClient.PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
        await AssertProblemAsync(await annClient.PostAsync($"/rooms/{room}/leave", null), 403, "not_in_room", false);

        // over the leave rate of this address: 429, retry after Retry-After
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var response = await annClient.PostAsync($"/rooms/{room}/leave", null);
            limited = (int)response.StatusCode == 429 ? response : null;
        }

        Assert.NotNull(limited);
        Assert.True(limited.Headers.Contains("Retry-After"));
        await AssertProblemAsync(limited, 429, "rate_limited", true);
    }

    [Fact]
    public async Task HubRefusalsStartWithTheirCode()
    {
        var room = NewRoom();
        var ann = await _app.JoinAsync(room, "Ann");
        var bob = await _app.JoinAsync(room, "Bob");
        await using var annHub = await _app.ConnectAsync(ann);

        var invalid = await Assert.ThrowsAsync<HubException>(() => annHub.Connection.InvokeAsync("Signal", bob.ParticipantId, "bad type!", "x"));
        var self = await Assert.ThrowsAsync<HubException>(() => annHub.Connection.InvokeAsync("Signal", ann.ParticipantId, "offer", "x"));
        var notAllowed = await Assert.ThrowsAsync<HubException>(() => annHub.Connection.InvokeAsync("RemoveParticipant", bob.ParticipantId));
        var unknown = await Assert.ThrowsAsync<HubException>(() => annHub.Connection.InvokeAsync("Signal", "p-nobody", "offer", "x"));
        (await _app.Admin().DeleteAsync($"/rooms/{room}/participants/{ann.ParticipantId}")).EnsureSuccessStatusCode();
        await annHub.Closed.WaitAsync(Eventually.DefaultTimeout);
        await using var again = await _app.ConnectAsync(ann, waitUntilConnected: false);
        var refused = await again.Closed.WaitAsync(Eventually.DefaultTimeout);

        Assert.Contains("HubException: [invalid_request] type must be", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("HubException: [invalid_request] A participant cannot signal itself", self.Message, StringComparison.Ordinal);
        Assert.Contains("HubException: [not_allowed] ", notAllowed.Message, StringComparison.Ordinal);
        Assert.Contains("HubException: [unknown_participant] ", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("[not_in_room] ", refused!.Message, StringComparison.Ordinal);
        Assert.Equal([new Hubs.ClosingMessage("removed", false)], annHub.Closings);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string NewRoom() => "codes-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string code, bool retry)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == status, $"{code}: {(int)response.StatusCode} {body}");

            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(body);
            Assert.Equal(($"urn:callserver:error:{code}", code, retry),
                (problem.RootElement.GetProperty("type").GetString(), problem.RootElement.GetProperty("code").GetString(), problem.RootElement.GetProperty("retry").GetBoolean()));
        }
    }
}
