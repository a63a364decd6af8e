using System.Security.Cryptography;
using System.Text;
using StandardWebhooks;

namespace CallServer.Webhooks;

/// <summary>A configured receiver at run time: its id in Redis keys (from its URL), and its Standard Webhooks signer.</summary>
internal sealed class WebhookEndpoint(WebhookEndpointOptions options)
{
    public string Id { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options.Url)))[..16];

    public Uri Url { get; } = new(options.Url);

    public StandardWebhook Signer { get; } = new(options.SecretBytes()!);

    public bool Takes(string type) => options.Takes(type);
}
