using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CallServer.Auth;

/// <summary>
/// User tokens (docs/API.md §9): who a user is, for ringing, with no room. In tokens mode the app's backend signs them like
/// join tokens (<c>"scope": "user"</c>, no <c>room</c>); on an open server this server issues them (<c>POST /users/token</c>),
/// signed with its own key for an audience of their own. A join token or a participant token is never a user token.
/// </summary>
internal sealed class UserTokens(IOptions<AuthOptions> options, SigningKeys keys, JoinTokens joins, TimeProvider time)
{
    /// <summary>The audience of the user tokens this server issues on an open server.</summary>
    public const string Audience = "callserver-users";

    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>A user token for <paramref name="identity"/> (open mode only), and when it expires.</summary>
    public (string Token, DateTimeOffset ExpiresAt) Issue(string identity, string? displayName)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds()).UtcDateTime;
        var expires = now.AddMinutes(options.Value.TokenLifetimeMinutes);
        var claims = new Dictionary<string, object> { ["sub"] = identity, [AppTokens.ScopeClaim] = AppTokens.UserScope };
        if (displayName is not null)
        {
            claims["name"] = displayName;
        }

        return (_handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthOptions.Issuer,
            Audience = Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        }), new DateTimeOffset(expires, TimeSpan.Zero));
    }

    /// <summary>The user a token names, or why it is refused (always 401).</summary>
    public async Task<(ClaimsPrincipal? User, string? Problem)> CheckAsync(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return (null, "A user token is required: Authorization: Bearer <user token> (on /hubs/user: ?access_token=).");
        }

        if (AppTokens.Peek(token) is { } peeked && !AppTokens.IsUserToken(peeked))
        {
            return (null, AppTokens.StringClaim(peeked, "room") is not null
                ? "This is a join or participant token: this endpoint takes a user token (scope user, no room)."
                : "This is not a user token: it needs the claim \"scope\": \"user\".");
        }

        var settings = options.Value;
        var parameters = joins.Required
            ? AppTokens.SignedByApp(settings)
            : new TokenValidationParameters
            {
                ValidIssuer = AuthOptions.Issuer,
                ValidAudience = Audience,
                IssuerSigningKey = keys.Key,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                RequireExpirationTime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
        var (jwt, problem) = await AppTokens.ValidateAsync(token, parameters, "user token");
        if (jwt is null)
        {
            return (null, problem);
        }

        var maxMinutes = joins.Required ? settings.MaxJoinTokenMinutes : settings.TokenLifetimeMinutes;
        if (AppTokens.LifetimeProblem(jwt, maxMinutes, "user token") is { } lifetime)
        {
            return (null, lifetime);
        }

        if (AppTokens.StringClaim(jwt, "room") is not null)
        {
            return (null, "A user token has no room claim.");
        }

        if (AppTokens.Identity(jwt) is not { } identity)
        {
            return (null, "The user token's sub (the user's identity) must be 1-128 characters of letters, digits and _ . @ : -.");
        }

        var name = AppTokens.StringClaim(jwt, "name") is { } claimed && Api.RoomInput.CheckDisplayName(claimed) is null ? claimed : null;
        List<Claim> claims = [new(UserClaims.Identity, identity)];
        if (name is not null)
        {
            claims.Add(new Claim(UserClaims.Name, name));
        }

        return (new ClaimsPrincipal(new ClaimsIdentity(claims, UserTokenAuthentication.SchemeName, UserClaims.Identity, null)), null);
    }
}
