using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CallServer.Auth;

/// <summary>
/// Join tokens: when <c>Auth:JoinSecret</c> is set, the app's backend signs a short JWT (HS256) with claim <c>room</c>
/// (a room id, or <c>*</c> for any) and the caller presents it as <c>Authorization: Bearer</c> on join.
/// </summary>
internal sealed class JoinTokens(IOptions<AuthOptions> options)
{
    private readonly JsonWebTokenHandler _handler = new();

    public bool Required => !string.IsNullOrEmpty(options.Value.JoinSecret);

    /// <summary>Null when the token lets its holder join <paramref name="roomId"/>, else why not.</summary>
    public async Task<string?> CheckAsync(string? token, string roomId)
    {
        if (string.IsNullOrEmpty(token))
        {
            return "This server requires a join token (Authorization: Bearer) signed by the app's backend.";
        }

        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.Value.JoinSecret!)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
        });
        if (!result.IsValid)
        {
            return "The join token is invalid or expired.";
        }

        return result.Claims.TryGetValue(ParticipantClaims.Room, out var room) && (room as string is "*" || room as string == roomId)
            ? null
            : $"The join token is not for room '{roomId}'.";
    }
}
