namespace CallServer.Errors;

/// <summary>
/// A refusal an app can act on without reading sentences: a stable <see cref="Code"/>, the HTTP status REST answers it with,
/// and whether trying the same request again later may succeed. REST carries it as the ProblemDetails <c>type</c>
/// (<see cref="Type"/>) and a <c>code</c> extension; the hub as a HubException message that starts with <c>[code]</c> (which
/// SignalR clients show after <c>HubException: </c>).
/// </summary>
/// <param name="Retry">True when the same request may succeed later (after <c>Retry-After</c>, or a back-off): the server or
/// a dependency was busy or unavailable. False when the request must change first (join again, other input, other grants).</param>
internal sealed record ErrorCode(string Code, int Status, string Title, bool Retry, string Meaning)
{
    public const string TypePrefix = "urn:callserver:error:";

    /// <summary>The ProblemDetails <c>type</c>: a URI per code.</summary>
    public string Type => TypePrefix + Code;

    /// <summary>How a hub method or a refused connect says it: the message starts with the code in brackets.</summary>
    public string HubMessage(string detail) => $"[{Code}] {detail}";
}
