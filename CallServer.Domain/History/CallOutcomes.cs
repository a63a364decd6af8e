namespace CallServer.Domain.History;

/// <summary>How a call went for one user (docs/API.md §10), by its direction.</summary>
internal static class CallOutcomes
{
    /// <summary>Incoming: the user joined. Outgoing: an identity the user invited joined.</summary>
    public const string Answered = "answered";

    /// <summary>Incoming: the last ring to the user ended <c>missed</c>.</summary>
    public const string Missed = "missed";

    /// <summary>Incoming: the user declined the last ring.</summary>
    public const string Declined = "declined";

    /// <summary>Incoming: the user declined the last ring as busy.</summary>
    public const string Busy = "busy";

    /// <summary>Incoming: the last ring was canceled (by its caller, a moderator, the admin key, or the end of the call). Outgoing: one of the user's rings was canceled and none answered.</summary>
    public const string Canceled = "canceled";

    /// <summary>Outgoing: every ring of the user ended missed, declined or busy.</summary>
    public const string NotAnswered = "not_answered";

    /// <summary>Joined: the user was in the call.</summary>
    public const string Completed = "completed";

    /// <summary>Every outcome.</summary>
    public static readonly IReadOnlyList<string> All = [Answered, Missed, Declined, Busy, Canceled, NotAnswered, Completed];
}
