using System.Security.Claims;

namespace CallServer.Auth;

/// <summary>The claims of a participant token: the participant (<c>sub</c>) and its room (<c>room</c>).</summary>
internal static class ParticipantClaims
{
    public const string Subject = "sub";

    public const string Room = "room";

    public static string? ParticipantId(this ClaimsPrincipal user) => user.FindFirstValue(Subject);

    public static string? RoomId(this ClaimsPrincipal user) => user.FindFirstValue(Room);
}
