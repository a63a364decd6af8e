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

        var path = Path.Combine(PrivateFiles.Folder(storage.FullDataDir), "signing.key");
        if (File.Exists(path))
        {
            PrivateFiles.File(path);
        }
        else
        {
            var fresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
            // 0600 from its creation; another process may write it at the same time: only the first file counts
            try
            {
                using var file = PrivateFiles.CreateNew(path);
                file.Write(Encoding.ASCII.GetBytes(fresh));
            }
            catch (IOException) when (File.Exists(path))
            {
            }
        }

        return new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }
}
