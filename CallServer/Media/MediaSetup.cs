using CallServer.Domain.Media;
using CallServer.Domain.Rooms;
using CallServer.Media.Janus;
using CallServer.Media.Kurento;
using CallServer.Media.Mesh;

namespace CallServer.Media;

internal static class MediaSetup
{
    /// <summary>The media server adapter of <c>Media:Mode</c>, the ICE servers handed to clients, and the media health check.</summary>
    public static IHostApplicationBuilder AddMedia(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MediaOptions>().BindConfiguration(MediaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IceServers>();
        builder.Services.AddHostedService<IceServersNotice>();
        builder.Services.AddSingleton<RoomMediaEvents>();
        builder.Services.AddSingleton<IMediaEvents>(sp => sp.GetRequiredService<RoomMediaEvents>());
        var mode = builder.Configuration[$"{MediaOptions.Section}:Mode"] ?? MediaModes.Mesh;
        switch (mode)
        {
            case MediaModes.Janus:
                builder.Services.AddSingleton<JanusMediaServer>();
                builder.Services.AddSingleton<IMediaServer>(sp => sp.GetRequiredService<JanusMediaServer>());
                builder.Services.AddHostedService(sp => sp.GetRequiredService<JanusMediaServer>());
                break;
            case MediaModes.Kurento:
                builder.Services.AddSingleton<KurentoMediaServer>();
                builder.Services.AddSingleton<IMediaServer>(sp => sp.GetRequiredService<KurentoMediaServer>());
                builder.Services.AddHostedService(sp => sp.GetRequiredService<KurentoMediaServer>());
                break;
            default:
                // an unknown mode is refused by the options validation at start
                builder.Services.AddSingleton<IMediaServer, MeshMediaServer>();
                break;
        }

        builder.Services.AddHealthChecks().AddCheck<MediaHealthCheck>("media", tags: ["ready"]);
        return builder;
    }
}
