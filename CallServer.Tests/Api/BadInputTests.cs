using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using CallServer.Auth;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CallServer.Tests.Api;

[Collection(RedisCollection.Name)]
public sealed class BadInputTests(RedisServer redis) : IDisposable
{
    private readonly CallServerApplication _app = new CallServerApplication(redis.ConnectionString).Start();

    public void Dispose() => _app.Dispose();

    public static TheoryData<string, string, string> BadJoins => new()
    {
        { "ok-room", "{\"displayName\":", "malformed JSON" },
        { "ok-room", "[1,2]", "not an object" },
        { "ok-room", "{\"displayName\":42}", "wrong type" },
        { "ok-room", "{}", "missing name" },
        { "ok-room", "{\"displayName\":\"   \"}", "blank name" },
        { "ok-room", "{\"displayName\":\"" + new string('x', 65) + "\"}", "oversized name" },
        { "ok-room", "{\"displayName\":\"bad\\u0007name\"}", "control character" },
        { "bad%20room", "{\"displayName\":\"Ann\"}", "space in room id" },
        { "bad.room", "{\"displayName\":\"Ann\"}", "dot in room id" },
        { new string('r', 65), "{\"displayName\":\"Ann\"}", "room id too long" },
    };

    [Theory]
    [MemberData(nameof(BadJoins))]
    public async Task BadJoinAnswersProblemDetailsAndChangesNothing(string roomSuffix, string body, string why)
    {
        var room = roomSuffix == "ok-room" ? "bad-" + Guid.NewGuid().ToString("N")[..8] : roomSuffix;
        var existing = roomSuffix == "ok-room" ? await _app.JoinAsync(room, "Ann") : null;

        using var response = await _app.CreateClient().PostAsync($"/rooms/{room}/join", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal(400, problem!.Status);
        Assert.False(string.IsNullOrEmpty(problem.Detail));
        if (existing is not null)
        {
            var status = await _app.StatusAsync(room);
            Assert.Equal(existing.Room.Version, status.Version);
            Assert.Single(status.Participants);
        }
    }

    [Fact]
    public async Task BadIdempotencyKeyIsRefused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/rooms/idem-bad/join") { Content = JsonContent.Create(new { displayName = "Ann" }) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 129));

        using var response = await _app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Idempotency-Key", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LeaveAndStatusNeedATokenOfThatRoom()
    {
        var room = "tok-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        var eve = await _app.JoinAsync(room + "-other", "Eve");

        using var anonymous = _app.CreateClient();
        using var foreign = _app.WithToken(eve.Token);
        using var forged = _app.WithToken(ann.Token[..^4] + "AAAA");
        using var expired = _app.WithToken(Token(room, ann.ParticipantId, DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddHours(-1)));

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/rooms/{room}/leave", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.PostAsync($"/rooms/{room}/leave", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await expired.PostAsync($"/rooms/{room}/leave", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await foreign.PostAsync($"/rooms/{room}/leave", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/rooms/{room}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await expired.GetAsync($"/rooms/{room}")).StatusCode);
        var refused = await foreign.GetAsync($"/rooms/{room}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        var status = await _app.StatusAsync(room);
        Assert.Equal(ann.Room.Version, status.Version);
        Assert.Single(status.Participants);
    }

    [Fact]
    public async Task HubRefusesConnectionsWithoutAValidToken()
    {
        var room = "hubtok-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");

        foreach (var token in new[] { "", "not-a-jwt", Token(room, ann.ParticipantId, DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddHours(-1)) })
        {
            await using var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(_app.BaseAddress, "/hubs/room"), o =>
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                    o.Transports = HttpTransportType.WebSockets;
                })
                .Build();
            var error = await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync());
            Assert.Contains("401", error.Message);
        }

        Assert.Equal("joining", (await _app.StatusAsync(room)).Participants.Single().Presence);
    }

    [Fact]
    public async Task TokenOfARemovedParticipantCannotConnect()
    {
        var room = "gone-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        var bob = await _app.JoinAsync(room, "Bob");
        using var bobClient = _app.WithToken(bob.Token);
        (await bobClient.PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
        var before = await _app.StatusAsync(room);

        var error = await RefusedConnectionAsync(bob);

        Assert.Contains("is no longer in room", error);
        var after = await _app.StatusAsync(room);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal([ann.ParticipantId], after.Participants.Select(p => p.ParticipantId));
    }

    [Fact]
    public async Task AdminEndpointsNeedTheAdminKey()
    {
        using var anonymous = _app.CreateClient();
        using var wrong = _app.CreateClient();
        wrong.DefaultRequestHeaders.Add("X-Api-Key", "wrong-key-wrong-key");
        using var noAdminApp = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?> { ["Auth:AdminKey"] = null }).Start();
        using var disabled = noAdminApp.CreateClient();
        disabled.DefaultRequestHeaders.Add("X-Api-Key", CallServerApplication.AdminKey);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/rooms")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.DeleteAsync("/rooms/any")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await disabled.GetAsync("/rooms")).StatusCode);
    }

    /// <summary>The error of a connection the server refused, whether it came as the start failing or as the close right after.</summary>
    private async Task<string> RefusedConnectionAsync(CallServer.Api.JoinResponse joined)
    {
        try
        {
            await using var hub = await _app.ConnectAsync(joined, waitUntilConnected: false);
            var closed = await hub.Closed.WaitAsync(Eventually.DefaultTimeout);
            return closed?.Message ?? "closed without error";
        }
        catch (Exception ex) when (ex is not TimeoutException)
        {
            return ex.Message;
        }
    }

    private static string Token(string room, string participant, DateTime notBefore, DateTime expires) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthOptions.Issuer,
            Audience = AuthOptions.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", participant), new Claim("room", room)]),
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(CallServerApplication.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
}
