namespace CallServer.Domain.Rooms;

/// <summary>An invitation's states: <c>ringing</c>, then one ended state for good.</summary>
internal static class InvitationStates
{
    public const string Ringing = "ringing";
    public const string Accepted = "accepted";
    public const string Declined = "declined";
    public const string Busy = "busy";
    public const string Canceled = "canceled";
    public const string Missed = "missed";

    /// <summary>Every state, ringing first.</summary>
    public static readonly IReadOnlyList<string> All = [Ringing, Accepted, Declined, Busy, Canceled, Missed];

    /// <summary>Why an invitation was canceled by the server, not by its caller.</summary>
    public const string CallerLeft = "caller_left";

    public const string CallEnded = "call_ended";
}
