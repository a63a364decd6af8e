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

    public const int MinOpenIdempotencyKeyLength = 22;

    /// <param name="unguessable">
    /// The key alone guards the answer (a join in open mode, which anyone may make): it must be a UUID or at least
    /// <see cref="MinOpenIdempotencyKeyLength"/> characters of a random identifier, as the IETF Idempotency-Key draft asks.
    /// </param>
    public static string? CheckIdempotencyKey(string key, bool unguessable = false)
    {
        if (key.Length is < 1 or > MaxIdempotencyKeyLength || !key.All(c => c is >= ' ' and <= '~'))
        {
            return $"Idempotency-Key is 1-{MaxIdempotencyKeyLength} printable ASCII characters.";
        }

        return unguessable && !Guid.TryParse(key, out _) && !(key.Length >= MinOpenIdempotencyKeyLength && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            ? $"Without join tokens, an Idempotency-Key must be unguessable: a UUID, or at least {MinOpenIdempotencyKeyLength} random letters, digits, '-' or '_'."
            : null;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex RoomIdPattern();
}
