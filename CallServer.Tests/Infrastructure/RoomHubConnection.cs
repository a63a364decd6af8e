using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.Infrastructure;

/// <summary>A participant's connection to <c>/hubs/room</c> of a server at an address, over WebSockets as the apps connect.</summary>
internal static class RoomHubConnection
{
    /// <summary>The builder, for a test that adds to it (a protocol); <see cref="Build"/> for the usual connection.</summary>
    /// <param name="path">The hub: the room hub, or <c>/hubs/user</c> with a user token.</param>
    public static IHubConnectionBuilder Builder(Uri server, string token, string path = "/hubs/room") =>
        new HubConnectionBuilder().WithUrl(new Uri(server, path), o =>
        {
            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
        });

    public static HubConnection Build(Uri server, string token) => Builder(server, token).Build();
}
