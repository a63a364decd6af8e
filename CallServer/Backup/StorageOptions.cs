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

    public string FullDataDir => Path.GetFullPath(DataDir);
}
