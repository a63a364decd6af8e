using System.Security.Claims;

namespace CallServer.Auth;

/// <summary>The claims of an authenticated user (a user token): its identity and, when the token gives one, its name.</summary>
internal static class UserClaims
{
    public const string Identity = "user";

    public const string Name = "user_name";

    public static string? UserIdentity(this ClaimsPrincipal user) => user.FindFirstValue(Identity);

    public static string? UserName(this ClaimsPrincipal user) => user.FindFirstValue(Name);
}
