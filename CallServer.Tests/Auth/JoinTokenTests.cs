using System.Net;
using System.Net.Http.Json;
using CallServer.Api;
using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using static CallServer.Tests.Infrastructure.JoinTokenMinter;

namespace CallServer.Tests.Auth;

/// <summary>Tokens mode: the app's backend signs who joins which room with what rights.</summary>
[Collection(RedisCollection.Name)]
public sealed class JoinTokenTests(RedisServer redis) : IDisposable
{
    private const string Previous = "the-previous-join-secret-still-accepted-42";

    private readonly CallServerApplication _app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
    {
        ["Auth:JoinSecret"] = Secret,
        ["Auth:JoinSecretPrevious"] = Previous,
    }).Start();

    public void Dispose() => _app.Dispose();

    public static TheoryData<string, string> RefusedTokens => new()
    {
        { "missing", "required" },
        { "malformed", "malformed" },
        { "expired", "expired" },
        { "bad-signature", "signature" },
        { "no-expiry", "exp" },
        { "too-long", "at most 60 minutes" },
        { "bad-sub", "sub" },
        { "bad-grants", "grants" },
        { "future-iat", "join token" },
        { "numeric-room", "no room claim" },
        { "null-sub", "sub" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task ABadJoinTokenIsRefusedWith401AndChangesNothing(string kind, string said)
    {
        var room = "tok-" + Guid.NewGuid().ToString("N")[..8];
        var now = DateTime.UtcNow;
        var token = kind switch
        {
            "missing" => null,
            "malformed" => "not-a-jwt",
            "expired" => Token(room, "ann", issuedAt: now.AddMinutes(-30), expires: now.AddMinutes(-5)),
            "bad-signature" => Token(room, "ann", secret: "someone-elses-secret-0123456789-abcdef"),
            "no-expiry" => Token(room, "ann", noExpiry: true),
            "too-long" => Token(room, "ann", expires: now.AddHours(3)),
            "bad-sub" => Token(room, "ann smith"),
            // issued "in a year", expiring in eleven months: the lifetime check must not be fooled by a negative lifetime
            "future-iat" => Token(room, "ann", issuedAt: now.AddDays(365), expires: now.AddDays(335)),
            "numeric-room" => Token(room, "ann", claims: new() { ["room"] = 12345 }),
            "null-sub" => Token(room, "ann", claims: new() { ["sub"] = null! }),
            _ => Token(room, "ann", claims: new() { ["grants"] = "everything" }),
        };

        using var response = await JoinAsync(room, token, "Ann");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(said, (await response.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Admin().GetAsync($"/rooms/{room}")).StatusCode);
    }

    [Theory]
    [InlineData("another-room")]
    [InlineData("*")]
    public async Task ATokenForAnotherRoomOrEveryRoomIsRefusedWith403(string tokenRoom)
    {
        var room = "tok-" + Guid.NewGuid().ToString("N")[..8];

        using var response = await JoinAsync(room, Token(tokenRoom, "ann"), "Ann");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("forbidden", await response.ErrorCodeAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Admin().GetAsync($"/rooms/{room}")).StatusCode);
    }

    [Fact]
    public async Task TheTokensIdentityNameMetadataAndGrantsShowInTheStatus()
    {
        var room = "tok-" + Guid.NewGuid().ToString("N")[..8];
        var token = Token(room, "user-42@example.org", claims: new()
        {
            ["name"] = "Ann from the token",
            ["metadata"] = """{"avatar":"a.png"}""",
            ["grants"] = new Dictionary<string, object> { ["publish"] = true, ["subscribe"] = true, ["admin"] = true },
        });

        // the token's name wins, and the body may be left out
        using var response = await JoinAsync(room, token, displayName: null);

        response.EnsureSuccessStatusCode();
        var joined = (await response.Content.ReadFromJsonAsync<JoinResponse>())!;
        var me = joined.Room.Participants.Single();
        Assert.Equal(("user-42@example.org", "Ann from the token", """{"avatar":"a.png"}"""), (me.Identity, me.DisplayName, me.Metadata));
        Assert.Equal(new ParticipantGrants(true, true, true), me.Grants);
    }

    [Fact]
    public async Task ATokenSignedWithThePreviousSecretIsAcceptedWhileRotating()
    {
        var room = "tok-" + Guid.NewGuid().ToString("N")[..8];

        using var response = await JoinAsync(room, Token(room, "bob", secret: Previous), "Bob");

        response.EnsureSuccessStatusCode();
        Assert.Equal("bob", (await response.Content.ReadFromJsonAsync<JoinResponse>())!.Room.Participants.Single().Identity);
    }

    [Fact]
    public async Task WithoutThePublishGrantMediaStaysOffAndOffersAreRefused()
    {
        var room = "tok-" + Guid.NewGuid().ToString("N")[..8];
        var listener = await JoinedAsync(room, Token(room, "viewer", claims: new() { ["grants"] = new Dictionary<string, object> { ["publish"] = false } }));
        var speaker = await JoinedAsync(room, Token(room, "speaker"));
        await using var listenerHub = await _app.ConnectAsync(listener);

        var me = listener.Room.Participants.Single(p => p.ParticipantId == listener.ParticipantId);
        Assert.Equal((false, false, false), (me.Audio, me.Video, me.Grants.Publish));
        var refused = await Assert.ThrowsAsync<HubException>(() => listenerHub.Connection.InvokeAsync<RoomStatus>("SetMedia", true, false));
        Assert.Contains("may not publish", refused.Message);
        var offer = await Assert.ThrowsAsync<HubException>(() => listenerHub.Connection.InvokeAsync("Signal", speaker.ParticipantId, "offer", "v=0"));
        Assert.Contains("may not publish", offer.Message);
        // turning media off, and answering the others' offers, stay allowed
        await listenerHub.Connection.InvokeAsync<RoomStatus>("SetMedia", false, false);
        await listenerHub.Connection.InvokeAsync("Signal", speaker.ParticipantId, "answer", "v=0");
    }

    [Fact]
    public async Task AnIssuerOrAudienceIsCheckedWhenConfigured()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Auth:JoinSecret"] = Secret,
            ["Auth:JoinIssuer"] = "https://backend.example.org",
            ["Auth:JoinAudience"] = "callserver",
        }).Start();
        var room = "tok-" + Guid.NewGuid().ToString("N")[..8];

        using var wrong = await JoinTokenMinter.JoinAsync(app, room, Token(room, "ann", issuer: "https://someone.else", audience: "callserver"), "Ann");
        using var right = await JoinTokenMinter.JoinAsync(app, room, Token(room, "ann", issuer: "https://backend.example.org", audience: "callserver"), "Ann");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        right.EnsureSuccessStatusCode();
    }

    private async Task<JoinResponse> JoinedAsync(string room, string token)
    {
        using var response = await JoinAsync(room, token, "Someone");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JoinResponse>())!;
    }

    private Task<HttpResponseMessage> JoinAsync(string room, string? token, string? displayName) => JoinTokenMinter.JoinAsync(_app, room, token, displayName);
}
