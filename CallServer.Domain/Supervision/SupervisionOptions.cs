using System.ComponentModel.DataAnnotations;

namespace CallServer.Domain.Supervision;

/// <summary>How the long-running services (relay, history writer, heartbeat, wake-ups) are restarted (<c>Supervision:*</c>).</summary>
internal sealed class SupervisionOptions
{
    public const string Section = "Supervision";

    /// <summary>The first restart waits this long; each crash in a row doubles it, up to <see cref="MaxBackoffSeconds"/>.</summary>
    [Range(1, 60_000)]
    public int MinBackoffMilliseconds { get; set; } = 100;

    /// <summary>Short, so that a service that crashed because Redis was down is back soon after Redis is.</summary>
    [Range(1, 600)]
    public int MaxBackoffSeconds { get; set; } = 2;

    /// <summary>Restart intensity: more restarts than this inside <see cref="RestartWindowSeconds"/> and the service is restarted only every <see cref="MaxBackoffSeconds"/>, with a critical log line each time.</summary>
    [Range(1, 1000)]
    public int MaxRestarts { get; set; } = 10;

    /// <summary>The window over which a service's restarts are counted (restart intensity).</summary>
    [Range(1, 3600)]
    public int RestartWindowSeconds { get; set; } = 60;

    /// <summary>A service that ran this long before it crashed starts its backoff from the beginning again.</summary>
    [Range(1, 3600)]
    public int StableAfterSeconds { get; set; } = 10;

    public TimeSpan MinBackoff => TimeSpan.FromMilliseconds(MinBackoffMilliseconds);

    public TimeSpan MaxBackoff => TimeSpan.FromSeconds(MaxBackoffSeconds);
}
