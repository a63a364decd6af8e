using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CallServer.Api;
using CallServer.Domain.Rooms;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CallServer.Auth;

/// <summary>
/// Join tokens (tokens mode, <c>Auth:JoinSecret</c> set): JWTs (HS256) the app's backend signs to say who joins which room
/// with what rights. Checked with Microsoft.IdentityModel: signature (the secret, or the previous one while rotating), expiry
/// (required, and no longer than <c>Auth:MaxJoinTokenMinutes</c>), issuer and audience when configured, then the claims.
/// </summary>
internal sealed class JoinTokens(IOptions<AuthOptions> options)
{
    public const int MaxMetadataLength = 1024;

    /// <summary>False on an open server: anyone may join any room.</summary>
    public bool Required => !string.IsNullOrEmpty(options.Value.JoinSecret);

    public async Task<JoinCheck> CheckAsync(string? token, string roomId)
    {
        if (string.IsNullOrEmpty(token))
        {
            return JoinCheck.Unauthorized("A join token is required: Authorization: Bearer <token signed by the app's backend>.");
        }

        var settings = options.Value;
        var (jwt, problem) = await AppTokens.ValidateAsync(token, AppTokens.SignedByApp(settings), "join token");
        if (jwt is null)
        {
            return JoinCheck.Unauthorized(problem!);
        }

        if (AppTokens.LifetimeProblem(jwt, settings.MaxJoinTokenMinutes, "join token") is { } lifetime)
        {
            return JoinCheck.Unauthorized(lifetime);
        }

        if (AppTokens.IsUserToken(jwt))
        {
            return JoinCheck.Unauthorized("This is a user token (scope user): a join needs a join token, with a room claim.");
        }

        if (AppTokens.Identity(jwt) is not { } identity)
        {
            return JoinCheck.Unauthorized("The join token's sub (the user's identity) must be 1-128 characters of letters, digits and _ . @ : -.");
        }

        if (AppTokens.StringClaim(jwt, "room") is not { } room)
        {
            return JoinCheck.Unauthorized("The join token has no room claim (a string: the room id).");
        }

        if (room != roomId)
        {
            return JoinCheck.Forbidden($"The join token is not for room '{roomId}'.");
        }

        string? name = null;
        if (jwt.TryGetPayloadValue<string>("name", out var claimed) && RoomInput.CheckDisplayName(claimed) is { } badName)
        {
            return JoinCheck.Unauthorized($"The join token's name claim is not a display name: {badName}");
        }
        else if (claimed is not null)
        {
            name = claimed;
        }

        string? metadata = null;
        if (jwt.TryGetPayloadValue<object>("metadata", out var metadataClaim))
        {
            if (metadataClaim is not string text || text.Length > MaxMetadataLength)
            {
                return JoinCheck.Unauthorized($"The join token's metadata claim must be a string of at most {MaxMetadataLength} characters.");
            }

            metadata = text;
        }

        return Grants(jwt) is { } grants
            ? new JoinCheck(new JoinIdentity(identity, metadata, grants), name)
            : JoinCheck.Unauthorized("The join token's grants claim must be an object of booleans: publish, subscribe, admin.");
    }

    /// <summary>The grants claim (absent: the defaults), or null when it is not an object of booleans.</summary>
    private static ParticipantGrants? Grants(JsonWebToken jwt)
    {
        if (!jwt.TryGetPayloadValue<JsonElement>("grants", out var claim))
        {
            return jwt.TryGetPayloadValue<object>("grants", out _) ? null : ParticipantGrants.Default;
        }

        if (claim.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        bool? Flag(string name, bool fallback) => !claim.TryGetProperty(name, out var value)
            ? fallback
            : value.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null };

        var defaults = ParticipantGrants.Default;
        var (publish, subscribe, admin) = (Flag("publish", defaults.Publish), Flag("subscribe", defaults.Subscribe), Flag("admin", defaults.Admin));
        return publish is null || subscribe is null || admin is null ? null : new ParticipantGrants(publish.Value, subscribe.Value, admin.Value);
    }

}
