using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallServer.Webhooks;

/// <summary>
/// The <c>webhooks</c> health entry: Degraded while a receiver keeps failing (three attempts in a row or more). The entry is
/// public: a receiver is named by its index in <c>Webhooks:Endpoints</c>, never by its URL (which may hold a token), and the
/// error by its kind only.
/// </summary>
internal sealed class WebhookHealth : IHealthCheck
{
    public const int FailingAfter = 3;

    private readonly ConcurrentDictionary<int, (int Failures, string Error)> _endpoints = new();

    public void Succeeded(WebhookEndpoint endpoint) => _endpoints[endpoint.Index] = (0, "");

    public void Failed(WebhookEndpoint endpoint, string error) =>
        _endpoints.AddOrUpdate(endpoint.Index, (1, Kind(error)), (_, current) => (current.Failures + 1, Kind(error)));

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = _endpoints.Where(e => e.Value.Failures >= FailingAfter)
            .Select(e => $"Webhooks:Endpoints:{e.Key} failed {e.Value.Failures} attempts in a row ({e.Value.Error})").ToList();
        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded(string.Join("; ", failing) + "; its events wait and are retried"));
    }

    /// <summary>"HTTP 500 …" stays; a connection error keeps its kind, not its message (which names the host).</summary>
    private static string Kind(string error) => error.StartsWith("HTTP ", StringComparison.Ordinal) || error == "timed out" ? error : error.Split(':')[0];
}
