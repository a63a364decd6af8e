namespace CallServer.Webhooks;

/// <summary>One attempt to deliver a webhook to its receiver: <see cref="WebhookDelivery"/> over HTTP.</summary>
internal interface IWebhookTransport
{
    /// <summary>The receiver's status (null when none came), how long it took, and what went wrong (null on 2xx).</summary>
    Task<(int? Status, long LatencyMs, string? Error)> SendAsync(WebhookEndpoint endpoint, WebhookMessage message, CancellationToken cancellationToken);
}
