using CallServer.Domain.Rooms;
using CallServer.Supervision;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallServer.Rooms;

internal static class RoomsSetup
{
    /// <summary>Room workers under their supervisor.</summary>
    public static IHostApplicationBuilder AddRooms(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RoomsOptions>().BindConfiguration(RoomsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<RoomsOptions>, FaultInjectionGuard>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RoomFaultInjector>();
        builder.Services.AddSingleton<RoomSupervisor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RoomSupervisor>());
        builder.Services.AddSingleton<RoomWakeUps>();
        builder.Services.AddSupervised<RoomWakeUpLoop>("room-wake-ups", HealthStatus.Unhealthy);
        builder.Services.AddSupervised<RoomRestore>("room-restore", HealthStatus.Degraded);
        return builder;
    }
}
