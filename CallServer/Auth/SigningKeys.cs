using System.Security.Cryptography;
using System.Text;
using CallServer.Backup;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace CallServer.Auth;

/// <summary>The HMAC key of participant tokens: configured, or generated once and kept in the data dir so tokens survive restarts.</summary>
internal sealed class SigningKeys(IOptions<AuthOptions> auth, IOptions<StorageOptions> storage)
{
    private readonly Lazy<SymmetricSecurityKey> _key = new(() => Load(auth.Value, storage.Value));

    public SymmetricSecurityKey Key => _key.Value;

    private static SymmetricSecurityKey Load(AuthOptions auth, StorageOptions storage)
    {
        if (!string.IsNullOrEmpty(auth.SigningKey))
        {
            return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(auth.SigningKey));
        }

        var path = Path.Combine(storage.FullDataDir, "signing.key");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(storage.FullDataDir);
            var fresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
            // another process may write it at the same time: only the first file counts
            try
            {
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                file.Write(Encoding.ASCII.GetBytes(fresh));
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }
            catch (IOException) when (File.Exists(path))
            {
            }
        }

        return new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }
}
