using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallServer.Webhooks;

/// <summary>The <c>webhooks</c> health entry: Degraded while a receiver keeps failing (three attempts in a row or more).</summary>
internal sealed class WebhookHealth : IHealthCheck
{
    public const int FailingAfter = 3;

    private readonly ConcurrentDictionary<Uri, (int Failures, string Error)> _endpoints = new();

    public void Succeeded(WebhookEndpoint endpoint) => _endpoints[endpoint.Url] = (0, "");

    public void Failed(WebhookEndpoint endpoint, string error) =>
        _endpoints.AddOrUpdate(endpoint.Url, (1, error), (_, current) => (current.Failures + 1, error));

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = _endpoints.Where(e => e.Value.Failures >= FailingAfter)
            .Select(e => $"{e.Key} failed {e.Value.Failures} attempts in a row ({e.Value.Error})").ToList();
        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded(string.Join("; ", failing) + "; its events wait and are retried"));
    }
}
