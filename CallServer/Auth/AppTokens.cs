using System.Text;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CallServer.Auth;

/// <summary>
/// What join tokens and user tokens share: tokens the app's backend signs (HS256 with <c>Auth:JoinSecret</c>, or the previous
/// secret while rotating), checked with Microsoft.IdentityModel, then their lifetime and identity, each refusal saying why.
/// </summary>
internal static partial class AppTokens
{
    /// <summary>The claim that makes a token a user token (<c>"scope": "user"</c>).</summary>
    public const string ScopeClaim = "scope";

    public const string UserScope = "user";

    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>Validation by the app's secrets, with the issuer and audience when configured.</summary>
    public static TokenValidationParameters SignedByApp(AuthOptions settings) => new()
    {
        ValidateIssuer = !string.IsNullOrEmpty(settings.JoinIssuer),
        ValidIssuer = settings.JoinIssuer,
        ValidateAudience = !string.IsNullOrEmpty(settings.JoinAudience),
        ValidAudience = settings.JoinAudience,
        IssuerSigningKeys = new[] { settings.JoinSecret, settings.JoinSecretPrevious }
            .Where(s => !string.IsNullOrEmpty(s)).Select(s => new SymmetricSecurityKey(Encoding.UTF8.GetBytes(s!))),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
    };

    /// <summary>The validated token, or why it is refused (<paramref name="noun"/>: "join token", "user token").</summary>
    public static async Task<(JsonWebToken? Token, string? Problem)> ValidateAsync(string token, TokenValidationParameters parameters, string noun)
    {
        var result = await Handler.ValidateTokenAsync(token, parameters);
        if (result.IsValid)
        {
            return ((JsonWebToken)result.SecurityToken, null);
        }

        return (null, result.Exception switch
        {
            SecurityTokenExpiredException => $"The {noun} has expired.",
            SecurityTokenNotYetValidException => $"The {noun} is not valid yet (nbf).",
            SecurityTokenNoExpirationException => $"The {noun} has no exp claim.",
            SecurityTokenInvalidLifetimeException => $"The {noun}'s lifetime is not valid (exp before nbf).",
            SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => $"The {noun}'s signature is not valid.",
            SecurityTokenInvalidAlgorithmException => $"The {noun} must be signed with HS256.",
            SecurityTokenInvalidIssuerException => $"The {noun}'s issuer (iss) is not the one this server expects.",
            SecurityTokenInvalidAudienceException => $"The {noun}'s audience (aud) is not the one this server expects.",
            SecurityTokenMalformedException or ArgumentException => $"The {noun} is malformed: it is not a JWT.",
            _ => $"The {noun} is not valid.",
        });
    }

    /// <summary>Why the token's lifetime is refused (no iat or nbf, issued in the future, or longer than allowed), or null.</summary>
    public static string? LifetimeProblem(JsonWebToken jwt, int maxMinutes, string noun)
    {
        var issued = jwt.TryGetPayloadValue<long>("nbf", out _) ? jwt.ValidFrom : jwt.IssuedAt;
        return issued == DateTime.MinValue || issued > DateTime.UtcNow.AddSeconds(30) || jwt.ValidTo - issued > TimeSpan.FromMinutes(maxMinutes)
            ? $"The {noun} must have iat (or nbf), not in the future, and be valid for at most {maxMinutes} minutes."
            : null;
    }

    /// <summary>The <c>sub</c> claim when it is an identity (1-128 letters, digits and _ . @ : -), else null.</summary>
    public static string? Identity(JsonWebToken jwt) =>
        StringClaim(jwt, "sub") is { } identity && IsIdentity(identity) ? identity : null;

    public static bool IsIdentity(string? identity) => identity is not null && IdentityPattern().IsMatch(identity);

    /// <summary>True when the token says it is a user token.</summary>
    public static bool IsUserToken(JsonWebToken jwt) => StringClaim(jwt, ScopeClaim) == UserScope;

    /// <summary>What a token says it is, read without validating it (to tell a caller it sent the wrong kind), or null.</summary>
    public static JsonWebToken? Peek(string? token)
    {
        try
        {
            return token is null ? null : new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A claim that is a JSON string (IdentityModel would turn a number or a boolean into text), else null.</summary>
    public static string? StringClaim(JsonWebToken jwt, string name) =>
        jwt.TryGetClaim(name, out var claim) && claim.ValueType == System.Security.Claims.ClaimValueTypes.String && claim.Value.Length > 0
            ? claim.Value
            : null;

    [GeneratedRegex("^[A-Za-z0-9_.@:-]{1,128}$")]
    private static partial Regex IdentityPattern();
}
