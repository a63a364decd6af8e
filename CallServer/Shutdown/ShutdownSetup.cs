using Microsoft.Extensions.Options;

namespace CallServer.Shutdown;

internal static class ShutdownSetup
{
    /// <summary>Graceful drain on SIGTERM (rolling deploys), within <c>Shutdown:DrainSeconds</c>.</summary>
    public static IHostApplicationBuilder AddShutdown(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<InstanceDrain>();
        builder.Services.AddHostedService<GracefulDrain>();
        builder.Services.AddHealthChecks().AddCheck<DrainHealthCheck>("draining", tags: ["ready"]);
        // the drain, then the requests in flight and the stop of everything after it, all within the host's shutdown timeout
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(Math.Clamp(shutdown.Value.DrainSeconds, 2, 600) + Math.Clamp(shutdown.Value.StopSeconds, 1, 120)));
        return builder;
    }
}
