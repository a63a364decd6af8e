using CallServer.Domain.Media;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallServer.Media;

/// <summary>Ready only while the media server answers (always, in mesh mode).</summary>
internal sealed class MediaHealthCheck(IMediaServer media) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await media.ProblemAsync(cancellationToken) is { } problem
            ? HealthCheckResult.Unhealthy($"{media.Mode}: {problem}")
            : HealthCheckResult.Healthy(media.Mode);
}
