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
            // written whole, 0600 from its creation, under another name, then moved into place: another process starting at
            // the same moment reads either no file or a whole one, and only the first file counts
            var fresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
            var temp = $"{path}.{Guid.NewGuid():N}.tmp";
            using (var file = PrivateFiles.CreateNew(temp))
            {
                file.Write(Encoding.ASCII.GetBytes(fresh));
            }

            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
        }

        return new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }
}
