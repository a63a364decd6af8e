namespace CallServer.Api;

/// <summary>
/// Endpoint metadata naming who may call it, for the OpenAPI document: the schemes any one of which is enough (an empty
/// requirement: anyone).
/// </summary>
internal sealed record ApiAuth(params string[] Schemes)
{
    /// <summary>A participant token from a join (<c>Authorization: Bearer</c>).</summary>
    public const string Participant = "participantToken";

    /// <summary>A join token signed by the app's backend (tokens mode).</summary>
    public const string JoinToken = "joinToken";

    /// <summary>A user token (ringing, docs/API.md §9).</summary>
    public const string User = "userToken";

    /// <summary>The admin key (<c>X-Api-Key</c>).</summary>
    public const string Admin = "adminKey";

    /// <summary>Open mode: anyone; tokens mode: a join token.</summary>
    public static readonly ApiAuth Join = new("", JoinToken);

    public static readonly ApiAuth ParticipantOnly = new(Participant);

    public static readonly ApiAuth ParticipantOrAdmin = new(Participant, Admin);

    public static readonly ApiAuth AdminOnly = new(Admin);
}
