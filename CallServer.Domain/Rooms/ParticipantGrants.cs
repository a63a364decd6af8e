namespace CallServer.Domain.Rooms;

/// <summary>What a participant may do, as the app's backend granted it in the join token (open mode: publish and subscribe).</summary>
/// <param name="Publish">Send audio and video: without it the participant joins with both off and may only turn them off.</param>
/// <param name="Subscribe">Receive the others' media through the SFU.</param>
/// <param name="Admin">Moderate the call.</param>
internal sealed record ParticipantGrants(bool Publish = true, bool Subscribe = true, bool Admin = false)
{
    /// <summary>What a participant of an open server, or one whose token grants nothing in particular, may do.</summary>
    public static ParticipantGrants Default { get; } = new();
}
