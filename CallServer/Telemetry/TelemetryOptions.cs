using System.ComponentModel.DataAnnotations;

namespace CallServer.Telemetry;

/// <summary>Where metrics and traces go (<c>Telemetry:*</c>); OTLP export follows the standard <c>OTEL_EXPORTER_OTLP_*</c> variables.</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// The Prometheus scrape endpoint <c>/metrics</c>: <c>admin</c> behind the <c>X-Api-Key</c>, <c>public</c> for anyone (an
    /// internal network only), or <c>off</c>.
    /// </summary>
    [RegularExpression("^(admin|public|off)$", ErrorMessage = "Telemetry:Metrics is admin, public or off.")]
    public string Metrics { get; set; } = "admin";
}
