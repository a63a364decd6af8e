using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CallServer.Auth;

/// <summary>Issues participant tokens (JWT, HMAC-SHA256) that the standard JwtBearer handler validates.</summary>
internal sealed class TokenIssuer(SigningKeys keys, IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>A participant token, and when it expires (<c>Auth:TokenLifetimeMinutes</c> from now, to the second).</summary>
    public (string Token, DateTimeOffset ExpiresAt) Issue(string roomId, string participantId)
    {
        var issuedAt = time.GetUtcNow();
        // JWT times are whole seconds: the expiry the client is told is the one in the token
        var now = DateTimeOffset.FromUnixTimeSeconds(issuedAt.ToUnixTimeSeconds()).UtcDateTime;
        var expires = now.AddMinutes(options.Value.TokenLifetimeMinutes);
        return (_handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthOptions.Issuer,
            Audience = AuthOptions.Audience,
            Subject = new ClaimsIdentity([new Claim(ParticipantClaims.Subject, participantId), new Claim(ParticipantClaims.Room, roomId)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        }), new DateTimeOffset(expires, TimeSpan.Zero));
    }
}
