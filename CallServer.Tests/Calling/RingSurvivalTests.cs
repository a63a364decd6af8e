using System.Net.Http.Headers;
using System.Net.Http.Json;
using CallServer.Api;
using CallServer.Domain.Rooms;
using CallServer.History;
using CallServer.Tests.Infrastructure;
using CallServer.Tests.Webhooks;

namespace CallServer.Tests.Calling;

/// <summary>
/// A ring survives kill -9: the published server is killed while it rings, and after the restart the ring is missed exactly
/// once (one history event, one webhook); and a whole ringing call's webhooks arrive signed, in order, equal to its history.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RingSurvivalTests(RedisServer redis) : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task ARingWhoseServerWasKilledIsMissedOnceAfterTheRestartAndItsWebhooksAreItsHistory()
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Redis:KeyPrefix"] = $"t{Guid.NewGuid():N}:",
            ["Storage:DataDir"] = Directory.CreateTempSubdirectory("callserver-data-").FullName,
            ["Auth:AdminKey"] = CallServerApplication.AdminKey,
            ["History:LeaseSeconds"] = "2",
            ["Webhooks:LeaseSeconds"] = "2",
        };
        foreach (var (key, value) in WebhookReceiver.Settings(allTypes: false, _receiver))
        {
            settings[key] = value!;
        }

        JoinResponse call;
        string bobToken;
        using (var first = await ServerProcess.StartAsync(settings))
        {
            using var http = new HttpClient { BaseAddress = first.Address };
            var annToken = await UserDevice.TokenAsync(http, "ann", "Ann");
            bobToken = await UserDevice.TokenAsync(http, "bob", "Bob");
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", annToken);
            using var dialed = await http.PostAsJsonAsync("/calls", new { to = new[] { "bob" }, ringSeconds = 5 });
            call = (await dialed.Content.ReadFromJsonAsync<JoinResponse>())!;
            // killed while Bob's phone rings
            await first.KillAsync();
        }

        var invitationId = call.Room.Invitations![0].InvitationId;
        using var next = await ServerProcess.StartAsync(settings);
        using var bob = new HttpClient { BaseAddress = next.Address };
        bob.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bobToken);
        var missed = await Eventually.ValueAsync(
            async () => (await bob.GetFromJsonAsync<InvitationView>($"/invitations/{invitationId}"))!,
            i => i.State == "missed", "the ring missed after the restart", TimeSpan.FromSeconds(30));
        Assert.True(missed.EndedAt >= missed.ExpiresAt);
        // answered too late: 409 with the state
        using (var late = await bob.PostAsJsonAsync($"/invitations/{invitationId}/accept", new { }))
        {
            Assert.Equal(System.Net.HttpStatusCode.Conflict, late.StatusCode);
            Assert.Equal("missed", (string?)System.Text.Json.Nodes.JsonNode.Parse(await late.Content.ReadAsStringAsync())!["state"]);
        }

        // the dialed call nobody answered ended; its history and its webhooks say it once each, in the same order
        using var admin = new HttpClient { BaseAddress = next.Address };
        admin.DefaultRequestHeaders.Add("X-Api-Key", CallServerApplication.AdminKey);
        var history = await Eventually.ValueAsync(
            async () => await admin.GetFromJsonAsync<CallDetails>($"/calls/{call.Room.CallId}"),
            c => c?.EndReason is not null, "the call's end in the history", TimeSpan.FromSeconds(30));
        Assert.Equal("not_answered", history!.EndReason);
        Assert.Single(history.Events, e => e.Type == "invitation_ended");
        Assert.Equal(["call_started", "participant_joined", "invitation_ringing", "invitation_ended", "participant_left", "call_ended"],
            history.Events.Select(e => e.Type));
        await _receiver.WaitForAsync(w => w.CallId == call.Room.CallId && w.Type == "call.ended", "call.ended at the receiver");
        var received = _receiver.Deduplicated(call.Room.CallId!);
        Assert.All(received, w => Assert.True(w.Verified, w.Id));
        Assert.Equal(WebhookContract.Expected(history, allTypes: false), WebhookContract.Seen(received));
        Assert.Single(received, w => w.Type == "invitation.missed");
    }
}
