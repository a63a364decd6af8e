using CallServer.Media.Mesh;
using CallServer.Rooms;
using Microsoft.Extensions.Options;

namespace CallServer.Media;

internal static class MediaSetup
{
    /// <summary>The media server adapter of <c>Media:Mode</c>, the ICE servers handed to clients, and the media health check.</summary>
    public static IHostApplicationBuilder AddMedia(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MediaOptions>().BindConfiguration(MediaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IceServers>();
        builder.Services.AddSingleton<IMediaEvents, RoomMediaEvents>();
        builder.Services.AddSingleton<IMediaServer>(sp => sp.GetRequiredService<IOptions<MediaOptions>>().Value.Mode switch
        {
            _ => new MeshMediaServer(),
        });
        builder.Services.AddHealthChecks().AddCheck<MediaHealthCheck>("media", tags: ["ready"]);
        return builder;
    }
}
