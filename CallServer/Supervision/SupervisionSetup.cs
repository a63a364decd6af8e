using CallServer.Domain.Supervision;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallServer.Supervision;

internal static class SupervisionSetup
{
    /// <summary>The supervisor of the long-running services; each component adds its own with <see cref="AddSupervised{T}"/>.</summary>
    public static IHostApplicationBuilder AddSupervision(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SupervisionOptions>().BindConfiguration(SupervisionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ServiceSupervisor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ServiceSupervisor>());
        return builder;
    }

    /// <summary>
    /// Runs <typeparamref name="T"/> under the <see cref="ServiceSupervisor"/> as <paramref name="name"/>, with a health entry
    /// <c>service:{name}</c> that reports <paramref name="whenDown"/> while it waits to be restarted.
    /// </summary>
    public static IServiceCollection AddSupervised<T>(this IServiceCollection services, string name, HealthStatus whenDown)
        where T : class, ISupervisedService
    {
        services.AddSingleton<T>();
        services.AddSingleton(sp => new SupervisedChild(name, sp.GetRequiredService<T>()));
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            $"service:{name}", sp => new SupervisedServiceHealth(sp.GetRequiredService<ServiceSupervisor>(), name), whenDown, ["ready"]));
        return services;
    }
}
