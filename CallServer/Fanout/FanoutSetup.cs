using CallServer.Hubs;

namespace CallServer.Fanout;

internal static class FanoutSetup
{
    /// <summary>The Redis pub/sub to SignalR relay, and the hub it pushes through.</summary>
    public static IHostApplicationBuilder AddFanout(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, HubJson.Default));
        builder.Services.AddSingleton<RoomConnections>();
        builder.Services.AddHostedService<StatusRelay>();
        return builder;
    }
}
