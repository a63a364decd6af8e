using System.Net;
using System.Net.Http.Json;
using CallServer.Api;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Api;

/// <summary>An Idempotency-Key replays an answer only to whoever sent it first, with the same request; anyone else gets 422.</summary>
[Collection(RedisCollection.Name)]
public sealed class IdempotencyKeyTests(RedisServer redis) : IDisposable
{
    private readonly CallServerApplication _app = new CallServerApplication(redis.ConnectionString).Start();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task AStrangerWithAnnsJoinKeyGets422AndNothingOfAnns()
    {
        var room = "key-" + Guid.NewGuid().ToString("N")[..8];
        var key = Guid.NewGuid().ToString();
        var ann = await _app.JoinAsync(room, "Ann", key);

        using var stranger = await JoinWithKeyAsync(_app, room, "Mallory", key);
        var body = await stranger.Content.ReadAsStringAsync();
        var retried = await _app.JoinAsync(room, "Ann", key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, stranger.StatusCode);
        Assert.Equal("key_reused", await stranger.ErrorCodeAsync());
        Assert.Equal("application/problem+json", stranger.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Idempotency-Key", body);
        Assert.DoesNotContain(ann.ParticipantId, body);
        Assert.DoesNotContain(ann.Token, body);
        // Ann's own retry still gets her first answer, and the stranger joined no one
        Assert.Equal((ann.ParticipantId, ann.Token), (retried.ParticipantId, retried.Token));
        Assert.Equal([ann.ParticipantId], (await _app.StatusAsync(room)).Participants.Select(p => p.ParticipantId));
    }

    [Theory]
    [InlineData("join-1")]
    [InlineData("0123456789abcdefghij")]
    [InlineData("0123456789abcdefghij+/=!")]
    public async Task InOpenModeAGuessableJoinKeyIsRefused(string key)
    {
        var room = "key-" + Guid.NewGuid().ToString("N")[..8];

        using var response = await JoinWithKeyAsync(_app, room, "Ann", key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unguessable", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BobsLeaveWithAKeyAnnUsedGets422AndBobStays()
    {
        var room = "key-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        var bob = await _app.JoinAsync(room, "Bob");
        await _app.JoinAsync(room, "Cid");
        using var annClient = _app.WithToken(ann.Token);
        annClient.DefaultRequestHeaders.Add(IdempotentReplies.Header, "leave-1");
        using var bobClient = _app.WithToken(bob.Token);
        bobClient.DefaultRequestHeaders.Add(IdempotentReplies.Header, "leave-1");

        (await annClient.PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
        using var bobs = await bobClient.PostAsync($"/rooms/{room}/leave", null);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, bobs.StatusCode);
        Assert.Contains(bob.ParticipantId, (await _app.StatusAsync(room)).Participants.Select(p => p.ParticipantId));
    }

    [Fact]
    public async Task WithJoinTokensAnotherIdentityWithTheSameKeyGets422AndNoToken()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?> { ["Auth:JoinSecret"] = JoinTokenMinter.Secret }).Start();
        var room = "key-" + Guid.NewGuid().ToString("N")[..8];
        using var first = await JoinWithKeyAsync(app, room, "Ann", "k1", JoinTokenMinter.Token(room, "ann"));
        var ann = (await first.Content.ReadFromJsonAsync<JoinResponse>())!;

        using var mallory = await JoinWithKeyAsync(app, room, "Mallory", "k1", JoinTokenMinter.Token(room, "mallory"));
        var body = await mallory.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, mallory.StatusCode);
        Assert.DoesNotContain(ann.ParticipantId, body);
        Assert.DoesNotContain(ann.Token, body);
        Assert.Equal(["ann"], (await app.StatusAsync(room)).Participants.Select(p => p.Identity));
    }

    [Fact]
    public async Task JoinLeaveCyclesWithFreshKeysOnSomeoneElsesRoomKeepItsSnapshotFlat()
    {
        var room = "cycles-" + Guid.NewGuid().ToString("N")[..8];
        await _app.JoinAsync(room, "Ann");
        await using var store = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        async Task<long> SnapshotBytesAsync() => (long)await store.GetDatabase().HashStringLengthAsync(_app.KeyPrefix + "room:" + room, "s");

        // Mallory joins and leaves Ann's live room over and over, each leave with a fresh Idempotency-Key
        long afterBound = 0;
        for (var cycle = 1; cycle <= 300; cycle++)
        {
            var mallory = await _app.JoinAsync(room, "Mallory");
            using var client = _app.WithToken(mallory.Token);
            client.DefaultRequestHeaders.Add(IdempotentReplies.Header, $"leave-{Guid.NewGuid():N}");
            (await client.PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
            if (cycle == 100)
            {
                // past the 64 leave keys a call keeps
                afterBound = await SnapshotBytesAsync();
            }
        }

        // 200 more cycles after the bound: the snapshot holds still (a few bytes for counters that gain a digit)
        var final = await SnapshotBytesAsync();
        Assert.InRange(final - afterBound, -16, 16);
        Assert.Equal(["Ann"], (await _app.StatusAsync(room)).Participants.Select(p => p.DisplayName));
    }

    private static async Task<HttpResponseMessage> JoinWithKeyAsync(CallServerApplication app, string room, string displayName, string key, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/rooms/{room}/join")
        {
            Content = JsonContent.Create(new { displayName }),
        };
        request.Headers.Add(IdempotentReplies.Header, key);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return await app.CreateClient().SendAsync(request);
    }
}
