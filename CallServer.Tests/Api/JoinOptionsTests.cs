using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallServer.Api;
using CallServer.Domain.Rooms;
using CallServer.Tests.History;
using CallServer.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CallServer.Tests.Api;

/// <summary>What a join can say and tell: the media it starts with, and when its token expires (and its renewal).</summary>
[Collection(RedisCollection.Name)]
public sealed class JoinOptionsTests(RedisServer redis) : IDisposable
{
    private readonly CallServerApplication _app = new CallServerApplication(redis.ConnectionString).Start();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task AJoinWithTheMicrophoneOffIsOneChangeAndTheHistorySaysSo()
    {
        var room = NewRoom();
        using var response = await _app.CreateClient().PostAsJsonAsync($"/rooms/{room}/join", new { displayName = "Ann", audio = false });
        response.EnsureSuccessStatusCode();
        var ann = (await response.Content.ReadFromJsonAsync<JoinResponse>())!;

        var me = ann.Room.Participants.Single();
        Assert.Equal((false, true, 1L), (me.Audio, me.Video, ann.Room.Version));

        (await _app.Admin().DeleteAsync($"/rooms/{room}")).EnsureSuccessStatusCode();
        var call = await CallHistoryTests.EndedCallAsync(_app, ann.Room.CallId!);
        var joined = call.Events!.Single(e => e.Type == RoomEventTypes.ParticipantJoined);
        Assert.Equal(("false", "true"), (joined.Data!["audio"], joined.Data["video"]));
        Assert.DoesNotContain(call.Events!, e => e.Type == RoomEventTypes.MediaChanged);
    }

    [Fact]
    public async Task TheJoinSaysWhenItsTokenExpiresAndTheParticipantRenewsItWhileInTheRoom()
    {
        var room = NewRoom();
        var before = DateTimeOffset.UtcNow;
        var ann = await _app.JoinAsync(room, "Ann");
        await _app.JoinAsync(room, "Bob");

        // the expiry the join states is the token's own, a day from now by default
        Assert.NotNull(ann.TokenExpiresAt);
        Assert.Equal(new JsonWebToken(ann.Token).ValidTo, ann.TokenExpiresAt!.Value.UtcDateTime);
        Assert.InRange(ann.TokenExpiresAt.Value - before, TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));

        using var renewed = await _app.WithToken(ann.Token).PostAsync($"/rooms/{room}/token", null);
        renewed.EnsureSuccessStatusCode();
        var fresh = (await renewed.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.Equal(new JsonWebToken(fresh.Token).ValidTo, fresh.TokenExpiresAt.UtcDateTime);
        Assert.Equal(ann.ParticipantId, new JsonWebToken(fresh.Token).Subject);
        // the new token works where the old one did: the hub and the room's status
        await using var hub = await _app.ConnectAsync(ann with { Token = fresh.Token });
        Assert.Equal(HttpStatusCode.OK, (await _app.WithToken(fresh.Token).GetAsync($"/rooms/{room}")).StatusCode);

        // once the participant left, neither token renews anything
        (await _app.WithToken(fresh.Token).PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
        using var refused = await _app.WithToken(ann.Token).PostAsync($"/rooms/{room}/token", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("not_in_room", problem.RootElement.GetProperty("code").GetString());
    }

    private static string NewRoom() => "joinopt-" + Guid.NewGuid().ToString("N")[..8];
}
