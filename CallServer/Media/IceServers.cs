using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CallServer.Media;

/// <summary>
/// The ICE servers a participant gets with its join. TURN servers without fixed credentials get short-lived ones computed from
/// the shared secret, as the TURN REST API scheme (coturn's <c>use-auth-secret</c>) defines: username <c>expiry:participant</c>,
/// credential base64(HMAC-SHA1(secret, username)).
/// </summary>
internal sealed class IceServers(IOptions<MediaOptions> options, TimeProvider time)
{
    public IReadOnlyList<IceServer> For(string participantId)
    {
        var media = options.Value;
        var servers = new List<IceServer>(media.IceServers.Count);
        foreach (var server in media.IceServers)
        {
            var isTurn = server.Urls.Any(u => u.StartsWith("turn:", StringComparison.OrdinalIgnoreCase) || u.StartsWith("turns:", StringComparison.OrdinalIgnoreCase));
            if (isTurn && server.Username is null && !string.IsNullOrEmpty(media.TurnSecret))
            {
                var (username, credential) = TurnCredential(media.TurnSecret, participantId, time.GetUtcNow().AddSeconds(media.TurnCredentialTtlSeconds));
                servers.Add(new IceServer(server.Urls, username, credential));
            }
            else
            {
                servers.Add(new IceServer(server.Urls, server.Username, server.Credential));
            }
        }

        return servers;
    }

    public static (string Username, string Credential) TurnCredential(string secret, string participantId, DateTimeOffset expires)
    {
        var username = $"{expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}:{participantId}";
        var credential = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username)));
        return (username, credential);
    }
}
