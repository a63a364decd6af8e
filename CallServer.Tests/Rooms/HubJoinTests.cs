using System.Net;
using System.Net.Http.Json;
using CallServer.Domain.Rooms;
using CallServer.History;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using static CallServer.Tests.Infrastructure.JoinTokenMinter;

namespace CallServer.Tests.Rooms;

/// <summary>Joins over the hub (docs/API.md §5.1): the join and the connect as one change of the room.</summary>
[Collection(RedisCollection.Name)]
public sealed class HubJoinTests(RedisServer redis) : IDisposable
{
    private readonly CallServerApplication _app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
    {
        ["Rooms:MaxParticipants"] = "3",
    }).Start();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task AJoinOverTheHubIsOneVersionOneStatusAndBothHistoryEvents()
    {
        var room = "hubjoin-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        await using var annHub = await _app.ConnectAsync(ann);
        var before = await annHub.WaitForStatusAsync(s => s.Participants.Any(p => p.Presence == "connected"), "Ann connected");

        await using var bobHub = HubClient.Joining(_app.BaseAddress, room, "displayName=Bob&video=false");
        await bobHub.StartAsync();
        var joined = await bobHub.Joined.WaitAsync(Eventually.DefaultTimeout);

        // the join's answer: as a REST join's, with Bob already connected, in the version right after Ann's connect
        var bob = joined.Room.Participants.Single(p => p.ParticipantId == joined.ParticipantId);
        Assert.Equal(("Bob", "connected", true, false), (bob.DisplayName, bob.Presence, bob.Audio, bob.Video));
        Assert.Equal(before.Version + 1, joined.Room.Version);
        Assert.Equal("mesh", joined.MediaMode);
        Assert.False(string.IsNullOrEmpty(joined.Token));
        // joined comes first, then the status announcing this connection
        var own = await bobHub.WaitForStatusAsync(s => s.Version == joined.Room.Version, "Bob's own status");
        Assert.Equal("joined", bobHub.Received[0]);
        Assert.Equal("active", own.State);

        // Ann saw Bob arrive once: one new version, connected, never "joining"
        await annHub.WaitForStatusAsync(s => s.Version == joined.Room.Version, "Bob's arrival at Ann");
        var setMedia = await bobHub.Connection.InvokeAsync<RoomStatus>("SetMedia", true, true);
        await annHub.WaitForStatusAsync(s => s.Version == setMedia.Version, "Bob's media at Ann");
        long[] expected = [before.Version, before.Version + 1, before.Version + 2];
        Assert.Equal(expected, annHub.Statuses.Select(s => s.Version).Where(v => v >= before.Version));
        Assert.DoesNotContain(annHub.Statuses, s => s.Participants.Any(p => p.ParticipantId == joined.ParticipantId && p.Presence != "connected"));

        // the history has the join and the connect, in order, both of Bob
        using var admin = _app.Admin();
        var call = await Eventually.ValueAsync(
            () => admin.GetFromJsonAsync<CallDetails>($"/calls/{joined.Room.CallId}"),
            c => c?.Events.Count(e => e.ParticipantId == joined.ParticipantId) >= 2, "Bob's events in the history", TimeSpan.FromSeconds(30));
        Assert.Equal(["participant_joined", "participant_connected"],
            call!.Events.Where(e => e.ParticipantId == joined.ParticipantId).Select(e => e.Type).Take(2));

        // the joined token is a participant token: the room reads with it, and a reconnect with it is an ordinary connect
        using var withToken = _app.WithToken(joined.Token);
        Assert.Equal(HttpStatusCode.OK, (await withToken.GetAsync($"/rooms/{room}")).StatusCode);
        await bobHub.Connection.StopAsync();
        await annHub.WaitForStatusAsync(s => s.Participants.Any(p => p.ParticipantId == joined.ParticipantId && p.Presence == "reconnecting"), "Bob reconnecting");
        await using var again = await _app.ConnectAsync(new CallServer.Api.JoinResponse(joined.ParticipantId, joined.Token, joined.Room, joined.MediaMode, joined.IceServers));
        var status = await again.Connection.InvokeAsync<RoomStatus>("GetStatus");
        Assert.Equal(2, status.Participants.Count(p => p.Presence == "connected"));
    }

    [Fact]
    public async Task ARetriedJoinWithItsKeyIsTheSameParticipantAndTheRoomsRefusalsSayWhy()
    {
        var room = "hubjoin-" + Guid.NewGuid().ToString("N")[..8];
        var key = Guid.NewGuid().ToString();
        await using var first = HubClient.Joining(_app.BaseAddress, room, $"displayName=Cid&joinKey={key}");
        await first.StartAsync();
        var joined = await first.Joined.WaitAsync(Eventually.DefaultTimeout);

        // the answer was "lost": the same key joins nobody new, it connects the participant the first one added
        await using var retry = HubClient.Joining(_app.BaseAddress, room, $"displayName=Cid&joinKey={key}");
        await retry.StartAsync();
        var again = await retry.Joined.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal(joined.ParticipantId, again.ParticipantId);
        Assert.Single(again.Room.Participants);
        // the same key with another name is someone else's
        await using var other = HubClient.Joining(_app.BaseAddress, room, $"displayName=Eve&joinKey={key}");
        await other.StartAsync();
        Assert.Contains("[key_reused]", (await other.Closed.WaitAsync(Eventually.DefaultTimeout))?.Message);

        // a full room (3) refuses the fourth with its error code
        await using var two = HubClient.Joining(_app.BaseAddress, room, "displayName=Dan");
        await using var three = HubClient.Joining(_app.BaseAddress, room, "displayName=Flo");
        await two.StartAsync();
        await three.StartAsync();
        await Task.WhenAll(two.Joined, three.Joined).WaitAsync(Eventually.DefaultTimeout);
        // the retry's connection is Cid's from then on: it hears the room and what is sent to Cid
        await retry.WaitForStatusAsync(s => s.Participants.Count == 3, "the third participant at Cid's retried connection");
        await two.Connection.InvokeAsync("Signal", joined.ParticipantId, "offer", "sdp for cid");
        await retry.WaitForSignalAsync(m => m.Payload == "sdp for cid", "Dan's offer at Cid's retried connection");
        Assert.False(retry.Closed.IsCompleted);
        await using var four = HubClient.Joining(_app.BaseAddress, room, "displayName=Gus");
        await four.StartAsync();
        Assert.Contains("[room_full]", (await four.Closed.WaitAsync(Eventually.DefaultTimeout))?.Message);
        Assert.False(four.Joined.IsCompleted);
        Assert.Equal(3, (await _app.StatusAsync(room)).Participants.Count);
    }

    [Fact]
    public async Task AMessagePackClientGetsTheSameJoinedAnswer()
    {
        var room = "hubjoin-" + Guid.NewGuid().ToString("N")[..8];
        await using var connection = RoomHubConnection.Builder(_app.BaseAddress, "", $"/hubs/room?room={room}&displayName=Mia")
            .AddMessagePackProtocol().Build();
        var joined = new TaskCompletionSource<Dictionary<string, object>>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<Dictionary<string, object>>("joined", j => joined.TrySetResult(j));
        await connection.StartAsync();

        var answer = await joined.Task.WaitAsync(Eventually.DefaultTimeout);
        var status = (Dictionary<object, object>)answer["room"];
        var self = (Dictionary<object, object>)((object[])status["participants"])[0];
        Assert.Equal(("Mia", "connected"), ((string)self["displayName"], (string)self["presence"]));
        Assert.Equal(answer["participantId"], self["participantId"]);
        Assert.StartsWith("ey", (string)answer["token"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("room=bad%20room!&displayName=Ann", HttpStatusCode.BadRequest, "room")]
    [InlineData("room=r1", HttpStatusCode.BadRequest, "displayName")]
    [InlineData("room=r1&displayName=", HttpStatusCode.BadRequest, "display")]
    [InlineData("room=r1&displayName=Ann&audio=maybe", HttpStatusCode.BadRequest, "audio and video")]
    [InlineData("room=r1&displayName=Ann&joinKey=short", HttpStatusCode.BadRequest, "joinKey")]
    public async Task BadJoinsAreRefusedBeforeTheUpgradeWithAProblem(string query, HttpStatusCode expected, string detail)
    {
        using var http = _app.CreateClient();
        using var response = await http.GetAsync($"/hubs/room?{query}");
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task InTokensModeTheJoinTokenSaysWhoJoinsAndOnlyItsRoom()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Auth:JoinSecret"] = Secret,
        }).Start();
        var room = "hubjoin-" + Guid.NewGuid().ToString("N")[..8];

        using var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"/hubs/room?room={room}&displayName=Ann")).StatusCode);
        using var forbidden = await http.GetAsync($"/hubs/room?room={room}&access_token={Token("another-room", "ann@example.com")}");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("not for room", await forbidden.Content.ReadAsStringAsync());

        // the name comes from the token's claim, not from the query
        var token = Token(room, "ann@example.com", claims: new Dictionary<string, object> { ["name"] = "Ann Lee" });
        await using var ann = HubClient.Joining(app.BaseAddress, room, "displayName=Mallory", joinToken: token);
        await ann.StartAsync();
        var joined = await ann.Joined.WaitAsync(Eventually.DefaultTimeout);
        var self = joined.Room.Participants.Single();
        Assert.Equal(("Ann Lee", "ann@example.com", "connected"), (self.DisplayName, self.Identity, self.Presence));
        // and a participant token is still what a reconnect uses
        await using var reconnect = await app.ConnectAsync(joined, waitUntilConnected: false);
        Assert.Equal(joined.ParticipantId, (await reconnect.Connection.InvokeAsync<RoomStatus>("GetStatus")).Participants.Single().ParticipantId);
    }

    [Fact]
    public async Task OnlyTheUpgradeOfAJoinCountsAgainstTheJoinRateAndAReconnectWithItsTokenIsNoJoin()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Limits:JoinsPerMinute"] = "2",
        }).Start();
        var room = "hubjoin-" + Guid.NewGuid().ToString("N")[..8];
        var url = new Uri(app.BaseAddress, $"/hubs/room?room={room}&displayName=One");
        // two clients that negotiate first (the default of the SignalR clients): the negotiates are checked, not counted
        var joined = new List<CallServer.Api.JoinResponse>();
        var hubs = new List<HubConnection>();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var hub = new HubConnectionBuilder().WithUrl(url).Build();
            var answer = new TaskCompletionSource<CallServer.Api.JoinResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            hub.On<CallServer.Api.JoinResponse>("joined", answer.SetResult);
            await hub.StartAsync();
            joined.Add(await answer.Task.WaitAsync(Eventually.DefaultTimeout));
            hubs.Add(hub);
        }

        // the third upgrade is over the address's rate: 429 with Retry-After, before any socket
        using var third = new System.Net.WebSockets.ClientWebSocket();
        third.Options.CollectHttpResponseDetails = true;
        var wsUrl = new UriBuilder(url) { Scheme = "ws" }.Uri;
        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => third.ConnectAsync(wsUrl, CancellationToken.None));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.HttpStatusCode);
        Assert.True(third.HttpResponseHeaders?.ContainsKey("Retry-After"));
        // other transports do not join: a long-polling request with ?room= is refused, not joined
        using var http = app.CreateClient();
        using var polling = await http.GetAsync($"/hubs/room?room={room}&displayName=Two&id=x");
        Assert.Equal(HttpStatusCode.BadRequest, polling.StatusCode);
        Assert.Contains("WebSockets", await polling.Content.ReadAsStringAsync());

        // a reconnect to the same URL with the participant token (a client's automatic reconnect) is that participant, not a join
        await hubs[0].DisposeAsync();
        var again = new HubConnectionBuilder().WithUrl(url, o => o.AccessTokenProvider = () => Task.FromResult<string?>(joined[0].Token)).Build();
        var status = new TaskCompletionSource<RoomStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        again.On<RoomStatus>("status", s => status.TrySetResult(s));
        await again.StartAsync();
        var first = await status.Task.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal(2, first.Participants.Count);
        Assert.Contains(first.Participants, p => p.ParticipantId == joined[0].ParticipantId && p.Presence == "connected");
        // and a token that is no longer valid with ?room= is refused, never a second join
        using var stale = await http.GetAsync($"/hubs/room?room={room}&displayName=One&access_token={joined[0].Token[..^4]}AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Contains("participant token is not valid", await stale.Content.ReadAsStringAsync());
        await again.DisposeAsync();
        await hubs[1].DisposeAsync();
        Assert.Equal(2, (await app.StatusAsync(room)).Participants.Count);
    }
}
