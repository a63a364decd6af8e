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

    /// <summary>
    /// Why a connection failed or closed: a refusal before the upgrade (negotiation: an HTTP status; the upgrade: a WebSocket
    /// error naming the status), or a hub error after it.
    /// </summary>
    internal static CallServerException FromConnection(Exception ex)
    {
        var status = ex is HttpRequestException { StatusCode: { } code } ? (int)code : 0;
        if (status == 0 && System.Text.RegularExpressions.Regex.Match(ex.ToString(), @"status code '(\d{3})'") is { Success: true } upgrade)
        {
            status = int.Parse(upgrade.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (status == 0)
        {
            return FromHub(ex);
        }

        var word = status switch
        {
            400 => "invalid_request",
            401 => "unauthorized",
            403 => "forbidden",
            429 => "rate_limited",
            503 => "unavailable",
            _ => "http_" + status,
        };
        return new CallServerException(word, ex.Message, status is 429 or >= 500, status, ex);
    }

    /// <summary>A hub error: the code is the bracketed word after <c>HubException: </c> (docs/API.md §8).</summary>
    internal static CallServerException FromHub(Exception ex)
    {
        var match = System.Text.RegularExpressions.Regex.Match(ex.Message, @"HubException: \[([a-z_]+)\]|^\[([a-z_]+)\]");
        var code = match.Success ? (match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value) : "unknown";
        // no code: the network, not the server, said no (a dropped connection): worth trying again
        return new CallServerException(code, ex.Message, code == "unknown" || RetryCodes.Contains(code), null, ex);
    }
}
