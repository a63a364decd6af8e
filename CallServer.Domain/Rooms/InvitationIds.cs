using System.Buffers.Text;

namespace CallServer.Domain.Rooms;

/// <summary>
/// Invitation ids: <c>inv_</c>, 22 characters of 128 random bits (base64url), then the room's id, so that an invitation is
/// found from its id alone (its room's worker holds it) while nobody can guess one.
/// </summary>
internal static class InvitationIds
{
    private const string Prefix = "inv_";
    private const int RandomLength = 22;

    public static string New(string roomId, ReadOnlySpan<byte> random16) =>
        Prefix + Base64Url.EncodeToString(random16) + roomId;

    /// <summary>The room an invitation id names, or null when it is not an invitation id.</summary>
    public static string? RoomOf(string? invitationId) =>
        invitationId is { Length: > 26 and <= 26 + 64 } id && id.StartsWith(Prefix, StringComparison.Ordinal)
            && id.AsSpan(Prefix.Length, RandomLength).ContainsAnyExcept(Base64UrlCharacters) is false
            ? id[(Prefix.Length + RandomLength)..]
            : null;

    private static readonly System.Buffers.SearchValues<char> Base64UrlCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}
