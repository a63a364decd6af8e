namespace CallServer.Domain.Rooms;

/// <summary>Why a participant left, and why a call ended.</summary>
internal static class LeaveReasons
{
    /// <summary>The participant left by itself.</summary>
    public const string Left = "left";

    /// <summary>The participant never connected, or did not come back within its grace period.</summary>
    public const string Timeout = "timeout";

    /// <summary>The same identity joined again (another phone, a reinstalled app): the older participant gives way.</summary>
    public const string Replaced = "replaced";

    /// <summary>A moderator removed the participant.</summary>
    public const string Kicked = "kicked";

    /// <summary>An admin ended the call.</summary>
    public const string Ended = "ended";

    /// <summary>The room's worker crashed more often than its restart intensity allows.</summary>
    public const string Failed = "failed";

    /// <summary>The call ended because its last participant was gone.</summary>
    public const string Empty = "empty";

    /// <summary>A dialed call ended because every invitation ended unanswered while only its caller was left.</summary>
    public const string NotAnswered = "not_answered";
}
