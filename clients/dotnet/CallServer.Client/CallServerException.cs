namespace CallServer.Client;

/// <summary>
/// The server refused a request (docs/API.md §8): <see cref="Code"/> is what to decide on; <see cref="Retry"/> says that
/// nothing was acknowledged and the same request may be made again (the client already did so as often as its options allow).
/// </summary>
public sealed class CallServerException(string code, string message, bool retry, int? status = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The error code (<c>room_full</c>, <c>not_in_room</c>, <c>store_unavailable</c>, …).</summary>
    public string Code { get; } = code;

    /// <summary>Whether the same request may be made again.</summary>
    public bool Retry { get; } = retry;

    /// <summary>The HTTP status of a REST refusal (null on the hub).</summary>
    public int? Status { get; } = status;

    /// <summary>The codes after which nothing was acknowledged (docs/API.md §8: <c>retry: true</c>).</summary>
    internal static readonly HashSet<string> RetryCodes = new(StringComparer.Ordinal)
    {
        "rate_limited", "room_restarted", "internal_error", "room_busy", "store_unavailable", "media_unavailable", "server_stopping",
        "at_capacity", "unavailable",
    };

    /// <summary>A hub error: the code is the bracketed word after <c>HubException: </c> (docs/API.md §8).</summary>
    internal static CallServerException FromHub(Exception ex)
    {
        var match = System.Text.RegularExpressions.Regex.Match(ex.Message, @"HubException: \[([a-z_]+)\]|^\[([a-z_]+)\]");
        var code = match.Success ? (match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value) : "unknown";
        return new CallServerException(code, ex.Message, RetryCodes.Contains(code), null, ex);
    }
}
