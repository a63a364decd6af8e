using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using CallServer.Api;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CallServer.Tests.Infrastructure;

/// <summary>Join tokens as an app's backend mints them (Microsoft.IdentityModel.JsonWebTokens), and joins that carry them.</summary>
internal static class JoinTokenMinter
{
    public const string Secret = "join-secret-of-the-apps-backend-0123456789";

    public static string Token(
        string room, string identity, string secret = Secret, DateTime? issuedAt = null, DateTime? expires = null, bool noExpiry = false,
        string? issuer = null, string? audience = null, Dictionary<string, object>? claims = null)
    {
        var now = issuedAt ?? DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            // the caller's claims win: a test may give sub or room another type on purpose
            Claims = new Dictionary<string, object> { ["sub"] = identity, ["room"] = room }.Concat(claims ?? []).GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.Last().Value),
            IssuedAt = now,
            NotBefore = now,
            Issuer = issuer,
            Audience = audience,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
            Expires = noExpiry ? null : expires ?? now.AddMinutes(10),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A user token (ringing) as the app's backend mints it: sub, "scope": "user", no room.</summary>
    public static string UserToken(string identity, string? name = null, string secret = Secret)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = identity, ["scope"] = "user" };
        if (name is not null)
        {
            claims["name"] = name;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The grants claim.</summary>
    public static Dictionary<string, object> Grants(bool publish = true, bool subscribe = true, bool admin = false) =>
        new() { ["grants"] = new Dictionary<string, object> { ["publish"] = publish, ["subscribe"] = subscribe, ["admin"] = admin } };

    public static async Task<HttpResponseMessage> JoinAsync(CallServerApplication app, string room, string? token, string? displayName)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/rooms/{room}/join")
        {
            Content = displayName is null ? null : JsonContent.Create(new { displayName }),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await app.CreateClient().SendAsync(request);
    }

    /// <summary>Joins with a token of <paramref name="identity"/> and fails the test unless it worked.</summary>
    public static async Task<JoinResponse> JoinedAsync(CallServerApplication app, string room, string identity, Dictionary<string, object>? claims = null)
    {
        using var response = await JoinAsync(app, room, Token(room, identity, claims: claims), identity);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JoinResponse>())!;
    }
}
