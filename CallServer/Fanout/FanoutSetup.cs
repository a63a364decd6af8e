using CallServer.Hubs;
using CallServer.Supervision;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallServer.Fanout;

internal static class FanoutSetup
{
    /// <summary>The Redis pub/sub to SignalR relay, and the hub it pushes through (JSON and MessagePack protocols).</summary>
    public static IHostApplicationBuilder AddFanout(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSignalR(o => o.AddFilter<RefusalHubFilter>()).AddJsonProtocol(o => o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, HubJson.Default))
            .AddHubMessagePack();
        builder.Services.AddSingleton<RoomConnections>();
        builder.Services.AddOptions<FanoutOptions>().BindConfiguration(FanoutOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ChannelSubscriptions>();
        builder.Services.AddSingleton<UserNotices>();
        builder.Services.AddSingleton<ConnectionChannels>();
        builder.Services.AddSingleton<Domain.Rooms.ILocalConnections>(sp => sp.GetRequiredService<RoomConnections>());
        builder.Services.AddSingleton<ConnectionCloser>();
        builder.Services.AddSupervised<StatusRelay>("status-relay", HealthStatus.Unhealthy);
        builder.Services.AddSingleton<LegacyInvitationNotices>();
        builder.Services.AddSupervised<LegacyChannels>("legacy-channels", HealthStatus.Degraded);
        return builder;
    }
}
