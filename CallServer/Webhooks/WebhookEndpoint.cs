using System.Security.Cryptography;
using System.Text;
using StandardWebhooks;

namespace CallServer.Webhooks;

/// <summary>A configured receiver at run time: its id in Redis keys (from its URL), and its Standard Webhooks signer.</summary>
/// <param name="index">Its place in <c>Webhooks:Endpoints</c>: how public output (health) names it, never by its URL.</param>
internal sealed class WebhookEndpoint(WebhookEndpointOptions options, int index = 0)
{
    public int Index { get; } = index;

    public string Id { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options.Url)))[..16];

    public Uri Url { get; } = new(options.Url);

    public StandardWebhook Signer { get; } = new(options.SecretBytes()!);

    public bool Takes(string type) => options.Takes(type);
}
