using System.Text.RegularExpressions;

namespace CallServer.Api;

/// <summary>The rules for what clients send: room ids, display names, idempotency keys (docs/API.md §3, §4).</summary>
internal static partial class RoomInput
{
    public const int MaxDisplayNameLength = 64;

    public const int MaxIdempotencyKeyLength = 128;

    /// <summary>Null when valid, else the reason.</summary>
    public static string? CheckRoomId(string? roomId) =>
        roomId is not null && RoomIdPattern().IsMatch(roomId)
            ? null
            : "Room ids are 1-64 characters of letters, digits, '_' and '-'.";

    public static string? CheckDisplayName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "displayName is required.";
        }

        if (name.Length > MaxDisplayNameLength)
        {
            return $"displayName is at most {MaxDisplayNameLength} characters.";
        }

        return name.Any(char.IsControl) ? "displayName must not contain control characters." : null;
    }

    public static string? CheckIdempotencyKey(string key) =>
        key.Length is >= 1 and <= MaxIdempotencyKeyLength && key.All(c => c is >= ' ' and <= '~')
            ? null
            : $"Idempotency-Key is 1-{MaxIdempotencyKeyLength} printable ASCII characters.";

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex RoomIdPattern();
}
