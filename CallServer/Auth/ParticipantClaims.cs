using System.Security.Claims;

namespace CallServer.Auth;

/// <summary>The claims of a participant token: the participant (<c>sub</c>) and its room (<c>room</c>).</summary>
internal static class ParticipantClaims
{
    public const string Subject = "sub";

    public const string Room = "room";

    public static string? ParticipantId(this ClaimsPrincipal user) => user.FindFirstValue(Subject);

    public static string? RoomId(this ClaimsPrincipal user) => user.FindFirstValue(Room);

    /// <summary>
    /// The validated token's principal cut down to what the server reads (participant and room). A hub connection holds its
    /// principal for its lifetime; the validation's holds every claim of the token and the parsed token itself.
    /// </summary>
    public static ClaimsPrincipal Slim(ClaimsPrincipal validated, string authenticationType) =>
        new(new ClaimsIdentity(
            validated.Claims.Where(c => c.Type is Subject or Room).Select(c => new Claim(c.Type, c.Value)),
            authenticationType, Subject, roleType: null));
}
