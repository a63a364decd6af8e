namespace CallServer.Media.Kurento;

/// <summary>A JSON-RPC error from Kurento Media Server (<c>code</c>, <c>message</c>, <c>data.type</c>).</summary>
internal sealed class KurentoException(int code, string message, string? type) : Exception($"Kurento error {code} ({type ?? "?"}): {message}")
{
    /// <summary>The session is unknown to this KMS process (it restarted).</summary>
    public const int InvalidSession = 40007;

    /// <summary>The object is unknown (released, or lost with a restart).</summary>
    public const int ObjectNotFound = 40101;

    public int Code { get; } = code;

    public string? Type { get; } = type;
}
