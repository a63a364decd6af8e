using System.ComponentModel.DataAnnotations;

namespace CallServer.Backup;

/// <summary>How CallServer uses Redis (<c>Redis:*</c>); the address is <c>ConnectionStrings:Redis</c>.</summary>
internal sealed class RedisOptions
{
    public const string Section = "Redis";

    [Required]
    [RegularExpression("^[A-Za-z0-9:_.-]{1,64}$", ErrorMessage = "Redis:KeyPrefix must be 1-64 characters of letters, digits, ':', '_', '.', '-'.")]
    public string KeyPrefix { get; set; } = "cs:";

    /// <summary>How long an instance's liveness key lives without a refresh.</summary>
    [Range(2, 600)]
    public int InstanceTtlSeconds { get; set; } = 10;
}
