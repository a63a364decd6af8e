using System.ComponentModel.DataAnnotations;

namespace CallServer.Fanout;

/// <summary>How an instance listens to the rooms, participants and users it serves (<c>Fanout:*</c>).</summary>
internal sealed class FanoutOptions
{
    public const string Section = "Fanout";

    /// <summary>
    /// How long an instance keeps listening to a room's, a participant's or a user's channel after its last connection there
    /// closed: a phone that reconnects within it costs Redis no new subscription. 0 stops at once.
    /// </summary>
    [Range(0, 600)]
    public int UnsubscribeLingerSeconds { get; set; } = 30;
}
