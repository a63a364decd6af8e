using System.ComponentModel.DataAnnotations;

namespace CallServer.Backup;

/// <summary>Where the embedded defaults keep their files (<c>Storage:*</c>).</summary>
internal sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Folder of the embedded store's log, the embedded history and the generated signing key.</summary>
    [Required]
    public string DataDir { get; set; } = "./data";

    /// <summary>Loopback port of the embedded Redis-compatible store; 0 takes a free one.</summary>
    [Range(0, 65535)]
    public int EmbeddedRedisPort { get; set; }

    /// <summary>
    /// The password of the embedded store (it refuses any client without it); empty, the default: a random one drawn at every
    /// start, which only this process knows. Set one (at least 32 characters) to look into the store with redis-cli.
    /// </summary>
    [RegularExpression("^$|^.{32,256}$", ErrorMessage = "Storage:EmbeddedRedisPassword is empty (a random one per start) or 32-256 characters.")]
    public string EmbeddedRedisPassword { get; set; } = "";

    public string FullDataDir => Path.GetFullPath(DataDir);
}
