using Microsoft.Extensions.Options;

namespace CallServer.Media;

/// <summary>
/// Says once, at start-up, when mesh calls will fail across NATs: mesh mode hands clients <c>Media:IceServers</c> and nothing
/// else, and without a STUN (better: TURN) server two phones on mobile networks rarely find a path to each other.
/// </summary>
internal sealed partial class IceServersNotice(IOptions<MediaOptions> options, ILogger<IceServersNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Mode == MediaModes.Mesh && options.Value.IceServers.Count == 0)
        {
            NoIceServers(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Warning, "Mesh mode with no Media:IceServers: clients get iceServers [], and calls between networks behind NATs (most phones) will fail. Set at least a STUN server, e.g. --Media:IceServers:0:Urls:0=stun:stun.l.google.com:19302, and a TURN server for production (README, section Media)")]
    private static partial void NoIceServers(ILogger logger);
}
