using System.ComponentModel.DataAnnotations;

namespace CallServer.Backup;

/// <summary>How CallServer uses Redis (<c>Redis:*</c>); the address is <c>ConnectionStrings:Redis</c>.</summary>
internal sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>Prefix of every key and channel; instances that share a prefix (and a Redis) share rooms.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9:_.-]{1,64}$", ErrorMessage = "Redis:KeyPrefix must be 1-64 characters of letters, digits, ':', '_', '.', '-'.")]
    public string KeyPrefix { get; set; } = "cs:";

    /// <summary>How long an instance's liveness key lives without a refresh.</summary>
    [Range(2, 600)]
    public int InstanceTtlSeconds { get; set; } = 10;

    /// <summary>
    /// How long a Redis call may take before it fails as unavailable (connect, command and sync timeouts): the bound within
    /// which every command is answered while Redis hangs, together with <see cref="AckReplicasTimeoutMs"/>.
    /// </summary>
    [Range(100, 60_000)]
    public int TimeoutMs { get; set; } = 3000;

    /// <summary>
    /// How many replicas must hold a change before it is acknowledged (Redis <c>WAIT</c>); 0 acknowledges once the master has
    /// it. Above 0, a change that too few replicas confirm within <see cref="AckReplicasTimeoutMs"/> fails with 503.
    /// </summary>
    [Range(0, 16)]
    public int AckReplicas { get; set; }

    /// <summary>How long <c>WAIT</c> waits for <see cref="AckReplicas"/> replicas to confirm a change.</summary>
    [Range(1, 60_000)]
    public int AckReplicasTimeoutMs { get; set; } = 500;
}
