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
        // the drain and the stop of everything after it, all within the host's shutdown timeout
        // read leniently here: a bad value is reported, in one line, by the options' validation
        var drainSeconds = int.TryParse(builder.Configuration[$"{ShutdownOptions.Section}:DrainSeconds"], out var configured) ? configured : new ShutdownOptions().DrainSeconds;
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(Math.Clamp(drainSeconds, 2, 600)));
        return builder;
    }
}
