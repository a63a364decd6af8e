using Microsoft.Extensions.Options;

namespace CallServer.Webhooks;

/// <summary>The configured receivers, built once.</summary>
internal sealed class WebhookEndpoints(IOptions<WebhooksOptions> options)
{
    public IReadOnlyList<WebhookEndpoint> All { get; } = [.. options.Value.Endpoints.Select((e, i) => new WebhookEndpoint(e, i))];

    /// <summary>The receiver at <paramref name="url"/>, or null when none is configured there (any more).</summary>
    public WebhookEndpoint? ByUrl(string url) => All.FirstOrDefault(e => e.Url.OriginalString == url || e.Url.ToString() == url);
}
