using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CallServer.Api;
using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Calling;

/// <summary>Calling people (docs/API.md §9) against the real server: ringing every device, answering, and every way a ring ends.</summary>
[Collection(RedisCollection.Name)]
public sealed class RingingTests(RedisServer redis)
{
    [Fact]
    public async Task BothDevicesOfBobRingOneAnswersTheOtherHearsItAndAnnSeesBobJoin()
    {
        using var a = new CallServerApplication(redis.ConnectionString).Start();
        using var b = new CallServerApplication(redis.ConnectionString, keyPrefix: a.KeyPrefix).Start();
        var annToken = await UserDevice.TokenAsync(a.CreateClient(), "ann", "Ann");
        var bobToken = await UserDevice.TokenAsync(a.CreateClient(), "bob", "Bob");
        await using var phone = await UserDevice.ConnectAsync(a.BaseAddress, bobToken);
        await using var tablet = await UserDevice.ConnectAsync(b.BaseAddress, bobToken);

        var call = await DialAsync(a, annToken, "bob");
        await using var annHub = await a.ConnectAsync(call);
        var ringing = await phone.WaitForAsync(i => i.State == "ringing", "the phone rings");
        await tablet.WaitForAsync(i => i.InvitationId == ringing.InvitationId && i.State == "ringing", "the tablet rings");
        Assert.Equal(("bob", "ann", "Ann", call.Room.RoomId), (ringing.To, ringing.From.Identity, ringing.From.DisplayName, ringing.RoomId));

        // the phone answers over REST (no hub call needed); the tablet hears that it was answered
        using var phoneHttp = Bearer(a, bobToken);
        using var answered = await phoneHttp.PostAsJsonAsync($"/invitations/{ringing.InvitationId}/accept", new { });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var bob = (await answered.Content.ReadFromJsonAsync<JoinResponse>())!;
        await tablet.WaitForAsync(i => i.InvitationId == ringing.InvitationId && i.State == "accepted", "the tablet hears it was answered");
        await annHub.WaitForStatusAsync(s => s.Participants.Any(p => p.ParticipantId == bob.ParticipantId && p.Identity == "bob"), "Ann sees Bob join");

        // the tablet answers too late: 409 with the state
        using var tabletHttp = Bearer(b, bobToken);
        using var late = await tabletHttp.PostAsJsonAsync($"/invitations/{ringing.InvitationId}/accept", new { });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var problem = JsonNode.Parse(await late.Content.ReadAsStringAsync())!;
        Assert.Equal(("invitation_ended", "accepted"), ((string?)problem["code"], (string?)problem["state"]));
    }

    internal static async Task<JoinResponse> DialAsync(CallServerApplication app, string token, params string[] to)
    {
        using var http = Bearer(app, token);
        using var response = await http.PostAsJsonAsync("/calls", new { to, ringSeconds = 30 });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JoinResponse>())!;
    }

    internal static HttpClient Bearer(CallServerApplication app, string token)
    {
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
