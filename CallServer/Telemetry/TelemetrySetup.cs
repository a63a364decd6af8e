using CallServer.Api;
using CallServer.Domain.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CallServer.Telemetry;

internal static class TelemetrySetup
{
    /// <summary>
    /// OpenTelemetry: the "CallServer" meter and activity source with ASP.NET Core, HttpClient, StackExchange.Redis and Npgsql
    /// instrumentation; a Prometheus scrape endpoint, and OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RoomTelemetry>();
        builder.Services.AddSingleton<ServerMetrics>();
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("callserver", serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics => metrics
                .AddMeter(RoomTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // traces only where they go somewhere: recording spans that no one exports costs every command
            otel.WithTracing(tracing => tracing
                    .AddSource(RoomTelemetry.Name, "Microsoft.AspNetCore.SignalR.Server")
                    .AddNpgsql()
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments("/metrics"))
                    .AddHttpClientInstrumentation()
                    .AddRedisInstrumentation())
                .UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>The Prometheus scrape endpoint at <c>/metrics</c>, as <c>Telemetry:Metrics</c> says.</summary>
    public static IEndpointRouteBuilder MapTelemetry(this IEndpointRouteBuilder app)
    {
        var mode = app.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value.Metrics;
        if (mode == "off")
        {
            return app;
        }

        var admin = app.ServiceProvider.GetRequiredService<AdminAccess>();
        var scrape = app.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, optionsName: null, configureBranchedPipeline: branch =>
        {
            if (mode == "admin")
            {
                // the scrape endpoint is not a route handler: the admin key is checked ahead of it
                branch.Use(async (context, next) =>
                {
                    if (admin.Check(context) is { } refused)
                    {
                        await refused.ExecuteAsync(context);
                        return;
                    }

                    await next(context);
                });
            }
        });
        if (mode == "admin")
        {
            // under the admin limit like every admin endpoint: the key cannot be guessed here faster than elsewhere
            scrape.RequireRateLimiting(Limits.RatePolicies.Admin);
        }

        return app;
    }
}
