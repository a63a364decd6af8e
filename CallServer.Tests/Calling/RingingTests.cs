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

        // a device that connects later (woken by a push) finds no ringing invitation of this call any more, but one still ringing
        var second = await DialAsync(b, annToken, "bob");
        await using var woken = await UserDevice.ConnectAsync(a.BaseAddress, bobToken);
        var found = await woken.WaitForAsync(i => i.State == "ringing", "the ringing call found on connect");
        Assert.Equal(second.Room.Invitations![0].InvitationId, found.InvitationId);
        Assert.DoesNotContain(woken.Invitations, i => i.InvitationId == ringing.InvitationId);

        // the tablet answers too late: 409 with the state
        using var tabletHttp = Bearer(b, bobToken);
        using var late = await tabletHttp.PostAsJsonAsync($"/invitations/{ringing.InvitationId}/accept", new { });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var problem = JsonNode.Parse(await late.Content.ReadAsStringAsync())!;
        Assert.Equal(("invitation_ended", "accepted"), ((string?)problem["code"], (string?)problem["state"]));
    }

    [Fact]
    public async Task DeclinedBusyCanceledAndCallerLeftEachEndTheirRingAsTheySay()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        var tokens = new Dictionary<string, string>();
        foreach (var who in new[] { "ann", "bob", "cat", "dan", "eve" })
        {
            tokens[who] = await UserDevice.TokenAsync(app.CreateClient(), who);
        }

        await using var bobPhone = await UserDevice.ConnectAsync(app.BaseAddress, tokens["bob"]);
        var call = await DialAsync(app, tokens["ann"], "bob", "cat", "dan", "eve");
        string Id(string to) => call.Room.Invitations!.Single(i => i.To == to).InvitationId;

        using (var bob = Bearer(app, tokens["bob"]))
        {
            Assert.Equal("declined", (await (await bob.PostAsJsonAsync($"/invitations/{Id("bob")}/decline", new { reason = "declined" })).Content.ReadFromJsonAsync<InvitationView>())!.State);
        }

        await bobPhone.WaitForAsync(i => i.State == "declined", "Bob's phone stops ringing");
        using (var cat = Bearer(app, tokens["cat"]))
        {
            Assert.Equal("busy", (await (await cat.PostAsJsonAsync($"/invitations/{Id("cat")}/decline", new { reason = "busy" })).Content.ReadFromJsonAsync<InvitationView>())!.State);
        }

        // Ann cancels Dan's ring, then hangs up while Eve's still rings: caller_left
        using var ann = app.WithToken(call.Token);
        (await ann.DeleteAsync($"/rooms/{call.Room.RoomId}/invitations/{Id("dan")}")).EnsureSuccessStatusCode();
        (await ann.PostAsync($"/rooms/{call.Room.RoomId}/leave", null)).EnsureSuccessStatusCode();

        var states = new List<(string, string, string?)>();
        foreach (var who in new[] { "bob", "cat", "dan", "eve" })
        {
            using var http = Bearer(app, tokens[who]);
            var invitation = (await http.GetFromJsonAsync<InvitationView>($"/invitations/{Id(who)}"))!;
            states.Add((who, invitation.State, invitation.Reason));
        }

        Assert.Equal([("bob", "declined", null), ("cat", "busy", null), ("dan", "canceled", null), ("eve", "canceled", "caller_left")], states);
    }

    [Fact]
    public async Task EndingTheCallCancelsItsRingsAndADialedCallNobodyAnswersEndsNotAnswered()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        var ann = await UserDevice.TokenAsync(app.CreateClient(), "ann");
        var bob = await UserDevice.TokenAsync(app.CreateClient(), "bob");

        var ended = await DialAsync(app, ann, "bob");
        (await app.Admin().DeleteAsync($"/rooms/{ended.Room.RoomId}")).EnsureSuccessStatusCode();
        using (var http = Bearer(app, bob))
        {
            var invitation = (await http.GetFromJsonAsync<InvitationView>($"/invitations/{ended.Room.Invitations![0].InvitationId}"))!;
            Assert.Equal(("canceled", "call_ended"), (invitation.State, invitation.Reason));
        }

        // a 1:1 call Bob declines: Ann hears the call ended, not answered, and the history says so
        var call = await DialAsync(app, ann, "bob");
        await using var annHub = await app.ConnectAsync(call);
        using (var http = Bearer(app, bob))
        {
            (await http.PostAsJsonAsync($"/invitations/{call.Room.Invitations![0].InvitationId}/decline", new { })).EnsureSuccessStatusCode();
        }

        var endedMessage = await Eventually.ValueAsync(() => Task.FromResult(annHub.Ended.FirstOrDefault()!), e => e is not null, "Ann's ended");
        Assert.Equal("not_answered", endedMessage.Reason);
        var history = await History.CallHistoryTests.EndedCallAsync(app, call.Room.CallId!);
        Assert.Equal("not_answered", history.EndReason);
        Assert.Equal(["call_started", "participant_joined", "invitation_ringing", "participant_connected", "invitation_ended", "participant_left", "call_ended"],
            history.Events.Select(e => e.Type));
        Assert.Equal(["invitation.ringing", "invitation.declined"], history.Events.Where(e => e.Type.StartsWith("invitation", StringComparison.Ordinal)).Select(e => e.Event));
    }

    [Fact]
    public async Task TwoAnswersRaceOneWinsLateAndForeignAnswersAreRefusedAndTokensAreNotMixedUp()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        var ann = await UserDevice.TokenAsync(app.CreateClient(), "ann");
        var bob = await UserDevice.TokenAsync(app.CreateClient(), "bob");
        var mallory = await UserDevice.TokenAsync(app.CreateClient(), "mallory");
        var call = await DialAsync(app, ann, "bob", "cat");
        var bobs = call.Room.Invitations!.Single(i => i.To == "bob").InvitationId;
        var cats = call.Room.Invitations!.Single(i => i.To == "cat").InvitationId;

        // another user's invitation: not found, whatever the request
        using (var other = Bearer(app, mallory))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/invitations/{bobs}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/invitations/{bobs}/accept", new { })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/invitations/{bobs}/decline", new { })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/invitations/inv_not-an-invitation")).StatusCode);
        }

        // two devices answer at once: exactly one joins
        using var phone = Bearer(app, bob);
        using var tablet = Bearer(app, bob);
        var answers = await Task.WhenAll(
            phone.PostAsJsonAsync($"/invitations/{bobs}/accept", new { }), tablet.PostAsJsonAsync($"/invitations/{bobs}/accept", new { }));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        Assert.Single((await app.StatusAsync(call.Room.RoomId)).Participants, p => p.Identity == "bob");

        // after a cancel: 409 with the state
        (await app.Admin().DeleteAsync($"/rooms/{call.Room.RoomId}/invitations/{cats}")).EnsureSuccessStatusCode();
        var cat = await UserDevice.TokenAsync(app.CreateClient(), "cat");
        using (var catHttp = Bearer(app, cat))
        {
            using var late = await catHttp.PostAsJsonAsync($"/invitations/{cats}/accept", new { });
            Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
            Assert.Equal("canceled", (string?)JsonNode.Parse(await late.Content.ReadAsStringAsync())!["state"]);
        }

        // a participant token on the user endpoints, a user token on the room endpoints: 401, saying which
        using (var participant = app.WithToken(call.Token))
        {
            using var refused = await participant.GetAsync($"/invitations/{bobs}");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("join or participant token", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var user = Bearer(app, ann))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await user.PostAsync($"/rooms/{call.Room.RoomId}/leave", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await user.PostAsJsonAsync($"/rooms/{call.Room.RoomId}/invitations", new { to = new[] { "dan" } })).StatusCode);
        }
    }

    [Fact]
    public async Task ADialMeetsTheLiveRoomCapAndOpenModeKeysMustBeUnguessable()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?> { ["Rooms:MaxLiveRooms"] = "1" }).Start();
        var ann = await UserDevice.TokenAsync(app.CreateClient(), "cap-ann");
        await app.JoinAsync("cap-" + Guid.NewGuid().ToString("N")[..8], "Someone");

        using var http = Bearer(app, ann);
        using var refused = await http.PostAsJsonAsync("/calls", new { to = new[] { "cap-bob" } });
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "at_capacity"), (refused.StatusCode, await refused.ErrorCodeAsync()));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/calls") { Content = JsonContent.Create(new { to = new[] { "cap-bob" } }) };
        request.Headers.Add("Idempotency-Key", "k1");
        using var guessable = await http.SendAsync(request);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (guessable.StatusCode, await guessable.ErrorCodeAsync()));
    }

    [Fact]
    public async Task InTokensModeAJoinTokenIsNoUserTokenAndAUserTokenNoJoinToken()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?> { ["Auth:JoinSecret"] = JoinTokenMinter.Secret }).Start();
        var room = "tokens-" + Guid.NewGuid().ToString("N")[..8];

        using (var joinToken = Bearer(app, JoinTokenMinter.Token(room, "ann")))
        {
            using var refused = await joinToken.PostAsJsonAsync("/calls", new { to = new[] { "bob" } });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("join or participant token", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var asJoin = await JoinTokenMinter.JoinAsync(app, room, JoinTokenMinter.UserToken("ann"), "Ann");
        Assert.Equal(HttpStatusCode.Unauthorized, asJoin.StatusCode);
        Assert.Contains("This is a user token", await asJoin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // the backend's user token dials; the open-mode endpoint is not there
        var call = await DialAsync(app, JoinTokenMinter.UserToken("ann", "Ann"), "bob");
        Assert.Equal(("ann", "Ann"), (call.Room.Participants[0].Identity, call.Room.Participants[0].DisplayName));
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().PostAsJsonAsync("/users/token", new { identity = "ann" })).StatusCode);
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
