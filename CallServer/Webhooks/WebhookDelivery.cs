using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace CallServer.Webhooks;

/// <summary>One attempt to deliver a webhook: a POST signed with Standard Webhooks (<c>webhook-id</c>, <c>webhook-timestamp</c>,
/// <c>webhook-signature</c>), through the HttpClient factory's <c>webhooks</c> client (its resilience pipeline bounds the attempt).</summary>
internal sealed class WebhookDelivery(IHttpClientFactory clients, TimeProvider time) : IWebhookTransport
{
    public const string ClientName = "webhooks";

    /// <summary>The receiver's status (null when none came), how long it took, and what went wrong (null on 2xx).</summary>
    public async Task<(int? Status, long LatencyMs, string? Error)> SendAsync(WebhookEndpoint endpoint, WebhookMessage message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(message.Body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("webhook-id", message.Id);
        request.Headers.Add("webhook-timestamp", now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", endpoint.Signer.Sign(message.Id, now, message.Body));
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            return (status, watch.ElapsedMilliseconds, response.IsSuccessStatusCode ? null : $"HTTP {status} {response.ReasonPhrase}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, watch.ElapsedMilliseconds, ex is HttpRequestException { HttpRequestError: var kind } ? $"{kind}: {ex.Message}" : "timed out");
        }
    }
}
