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

    /// <summary>
    /// <c>auto</c>: during a rolling deploy from a build before the per-room channels (one channel for every room's statuses,
    /// <c>{prefix}status</c>), copy statuses and signals there and relay what that build publishes there, for as long as one of
    /// its instances listens (checked every 5 s). <c>off</c>: never (every instance runs this build or later).
    /// </summary>
    [RegularExpression("^(auto|off)$", ErrorMessage = "Fanout:LegacyChannels is auto or off.")]
    public string LegacyChannels { get; set; } = "auto";
}
