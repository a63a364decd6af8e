using System.ComponentModel.DataAnnotations;

namespace CallServer.Limits;

/// <summary>Limits against abuse (<c>Limits:*</c>, docs/SECURITY.md); a rate of 0 turns that limit off.</summary>
internal sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>
    /// Joins one client address may make per minute (a token bucket that refills evenly, holding a minute's worth), REST joins
    /// and joins over the hub each in a bucket of this size.
    /// </summary>
    [Range(0, 1_000_000)]
    public int JoinsPerMinute { get; set; } = 120;

    /// <summary>Leaves one client address may make per minute.</summary>
    [Range(0, 1_000_000)]
    public int LeavesPerMinute { get; set; } = 120;

    /// <summary>Reads one client address may make per minute: a room's status (<c>GET /rooms/{id}</c>), an invitation, a user's recent calls and missed-call count.</summary>
    [Range(0, 1_000_000)]
    public int ReadsPerMinute { get; set; } = 600;

    /// <summary>Admin and moderation requests one client address may make per minute.</summary>
    [Range(0, 1_000_000)]
    public int AdminPerMinute { get; set; } = 600;

    /// <summary>Hub calls one participant may make per second on one instance, on average (its connections share them).</summary>
    [Range(0, 100_000)]
    public int HubCallsPerSecond { get; set; } = 50;

    /// <summary>Hub calls one participant may make at once (a mesh client offering to 15 peers and trickling their candidates).</summary>
    [Range(1, 100_000)]
    public int HubCallBurst { get; set; } = 300;

    /// <summary>A participant whose calls are refused this many times within 10 seconds has its connections closed.</summary>
    [Range(1, 1_000_000)]
    public int HubFloodCloseAfter { get; set; } = 100;

    /// <summary>How long a participant whose connections were closed for flooding may not connect again.</summary>
    [Range(0, 24 * 3600)]
    public int HubFloodBlockSeconds { get; set; } = 60;

    /// <summary>Hub connections one participant may open per minute on one instance (a reconnecting phone needs a few).</summary>
    [Range(0, 1_000_000)]
    public int HubConnectsPerMinute { get; set; } = 20;

    /// <summary>Hub connections one client address may open per minute on one instance.</summary>
    [Range(0, 1_000_000)]
    public int HubConnectsPerMinutePerAddress { get; set; } = 600;

    /// <summary>Hub connections one participant may hold on one instance (a phone, and its reconnect); a new one beyond closes the oldest.</summary>
    [Range(1, 100)]
    public int ConnectionsPerParticipant { get; set; } = 2;

    /// <summary>The largest REST request body, in bytes.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 8 * 1024;

    /// <summary>HTTP connections Kestrel holds at once (lowered at start to fit the process's open-file limit).</summary>
    [Range(16, 10_000_000)]
    public int MaxConnections { get; set; } = 4_000;

    /// <summary>WebSocket (hub) connections Kestrel holds at once (lowered at start to fit the process's open-file limit).</summary>
    [Range(16, 10_000_000)]
    public int MaxUpgradedConnections { get; set; } = 10_000;
}
