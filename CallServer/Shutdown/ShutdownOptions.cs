using System.ComponentModel.DataAnnotations;

namespace CallServer.Shutdown;

/// <summary>How the server leaves on SIGTERM, for rolling deploys (<c>Shutdown:*</c>).</summary>
internal sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    /// <summary>
    /// How long a SIGTERM'd instance takes at most to leave: readiness turns false at once, its clients are told to reconnect
    /// (elsewhere) and then closed, and the commands in flight finish. Keep it below the orchestrator's grace period.
    /// </summary>
    [Range(2, 600)]
    public int DrainSeconds { get; set; } = 10;

    /// <summary>
    /// How long, after the drain, the requests still in flight have to finish (each is answered: done, or refused with a
    /// retry) and the server's parts have to stop. The host's shutdown timeout is <see cref="DrainSeconds"/> + this: keep both
    /// together below the orchestrator's grace period.
    /// </summary>
    [Range(1, 120)]
    public int StopSeconds { get; set; } = 5;
}
