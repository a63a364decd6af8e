using System.Net.Http.Headers;
using System.Net.Http.Json;
using CallServer.Api;
using CallServer.History;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Webhooks;

/// <summary>Webhooks across a kill -9 of the server: after dropping duplicates by webhook-id, the receiver holds the call exactly.</summary>
[Collection(RedisCollection.Name)]
public sealed class WebhookSurvivalTests(RedisServer redis)
{
    [Fact]
    public async Task AServerKilledMidCallLosesNoWebhookAndKeepsTheirOrder()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // slow answers: the kill lands while deliveries are in flight
        receiver.Respond = async _ =>
        {
            await Task.Delay(50);
            return 200;
        };
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Redis:KeyPrefix"] = $"t{Guid.NewGuid():N}:",
            ["Storage:DataDir"] = Directory.CreateTempSubdirectory("callserver-data-").FullName,
            ["Auth:AdminKey"] = CallServerApplication.AdminKey,
            ["Webhooks:LeaseSeconds"] = "2",
        };
        foreach (var (key, value) in WebhookReceiver.Settings(allTypes: false, receiver))
        {
            settings[key] = value!;
        }

        var room = "hooks-kill-" + Guid.NewGuid().ToString("N")[..8];
        var joined = new List<JoinResponse>();
        using (var first = await ServerProcess.StartAsync(settings))
        {
            using var http = new HttpClient { BaseAddress = first.Address };
            foreach (var name in new[] { "Ann", "Bob", "Cid", "Dan", "Eve" })
            {
                joined.Add((await (await http.PostAsJsonAsync($"/rooms/{room}/join", new { displayName = name })).Content.ReadFromJsonAsync<JoinResponse>())!);
            }

            await receiver.WaitForAsync(w => w.RoomId == room, "the first webhook");
            await first.KillAsync();
        }

        using var second = await ServerProcess.StartAsync(settings);
        foreach (var participant in joined)
        {
            using var client = new HttpClient { BaseAddress = second.Address };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", participant.Token);
            (await client.PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
        }

        var callId = joined[0].Room.CallId!;
        await receiver.WaitForAsync(w => w.CallId == callId && w.Type == "call.ended", "call.ended from the restarted server", TimeSpan.FromSeconds(30));
        using var admin = new HttpClient { BaseAddress = second.Address };
        admin.DefaultRequestHeaders.Add("X-Api-Key", CallServerApplication.AdminKey);
        var call = await Eventually.ValueAsync(
            async () => await admin.GetFromJsonAsync<CallDetails>($"/calls/{callId}"), c => c?.EndedAt is not null, "the call in the history", TimeSpan.FromSeconds(45));

        Assert.Equal(WebhookContract.Expected(call!, allTypes: false), WebhookContract.Seen(receiver.Deduplicated(callId)));
        Assert.All(receiver.Attempts, a => Assert.True(a.Verified));
    }
}
