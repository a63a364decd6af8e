using System.ComponentModel.DataAnnotations;

namespace CallServer.Webhooks;

/// <summary>Where room events are delivered as signed webhooks, and how hard delivery tries (<c>Webhooks:*</c>).</summary>
internal sealed class WebhooksOptions : IValidatableObject
{
    public const string Section = "Webhooks";

    /// <summary>The receivers; none turns webhooks off.</summary>
    public List<WebhookEndpointOptions> Endpoints { get; set; } = [];

    /// <summary>How long an event is retried after its first failed attempt before it becomes a dead letter.</summary>
    [Range(0.0001, 24 * 30)]
    public double MaxRetryHours { get; set; } = 24;

    /// <summary>How long one delivery attempt may take.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>The first retry's delay; each next one doubles, up to <see cref="MaxBackoffSeconds"/> (±20% jitter).</summary>
    [Range(10, 60_000)]
    public int MinBackoffMilliseconds { get; set; } = 1_000;

    /// <summary>The longest delay between two attempts of a failing webhook.</summary>
    [Range(1, 24 * 3600)]
    public int MaxBackoffSeconds { get; set; } = 600;

    /// <summary>Rooms whose events are being delivered at once (each room's in order, one at a time).</summary>
    [Range(1, 1024)]
    public int MaxConcurrentDeliveries { get; set; } = 32;

    /// <summary>
    /// Webhooks that may wait for one endpoint (in all its rooms' lanes) while it fails or falls behind; beyond it the oldest
    /// become dead letters (a warning, and the dead-letter metric with <c>reason=backlog</c>). 0 sets no bound.
    /// </summary>
    [Range(0, 100_000_000)]
    public int MaxQueuedEvents { get; set; } = 100_000;

    /// <summary>Lifetime of the sender's lease: one instance delivers at a time, and another takes over within this.</summary>
    [Range(2, 300)]
    public int LeaseSeconds { get; set; } = 10;

    public bool Enabled => Endpoints.Count > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Endpoints.Count; i++)
        {
            foreach (var problem in Endpoints[i].Problems())
            {
                yield return new ValidationResult($"Webhooks:Endpoints:{i}: {problem}");
            }
        }

        foreach (var url in Endpoints.GroupBy(e => e.Url, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            yield return new ValidationResult($"Webhooks:Endpoints: '{url}' is listed more than once.");
        }
    }
}
