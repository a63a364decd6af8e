using LoadGen.Net;

namespace LoadGen.Clients;

/// <summary>A server under test and how its participants join and connect.</summary>
/// <remarks><paramref name="joinOverHub"/>: CallServer's participants join as they connect (one change of the room, docs/API.md
/// §5.1) instead of a REST join and then a connect; the baseline has only the second way.</remarks>
/// <remarks><paramref name="servers"/>: one instance, or several sharing a Redis; each room goes to one of them (room r of a
/// scenario to instance r mod N), so that every connection of a room is on one instance, as a room-affine load balancer places them.</remarks>
internal sealed class BenchTarget(string kind, IReadOnlyList<Uri> servers, SourceAddresses addresses, bool messagePack = false, bool joinOverHub = true)
{
    public string Kind { get; } = kind;

    /// <summary>The first instance (the only one, for most scenarios).</summary>
    public Uri Server { get; } = servers[0];

    /// <summary>The instance that serves <paramref name="roomId"/>: by the number that ends its id, else by its hash.</summary>
    public Uri ServerFor(string roomId)
    {
        var dash = roomId.LastIndexOf('-');
        var index = int.TryParse(roomId.AsSpan(dash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n
            : StringComparer.Ordinal.GetHashCode(roomId) & int.MaxValue;
        return servers[index % servers.Count];
    }

    public SourceAddresses Addresses { get; } = addresses;

    public HttpClient Http(string? adminKey = null, Uri? server = null)
    {
        var http = new HttpClient(Addresses.NextHandler(), disposeHandler: false) { BaseAddress = server ?? Server, Timeout = TimeSpan.FromSeconds(30) };
        if (adminKey is not null)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
        }

        return http;
    }

    /// <summary>Joins <paramref name="roomId"/> and connects, receiving statuses into <paramref name="onStatus"/>.</summary>
    public async Task<IBenchClient> JoinAndConnectAsync(string roomId, string name, Action<Receipt>? onStatus, CancellationToken cancellationToken)
    {
        if (Kind == "limit")
        {
            return await LimitBenchClient.ConnectAsync(ServerFor(roomId), Addresses.Next(), roomId, name, onStatus, cancellationToken);
        }

        if (Kind == "callserver" && joinOverHub)
        {
            return await HubBenchClient.JoinOverHubAsync(ServerFor(roomId), Addresses.Next(), roomId, name, onStatus, cancellationToken, messagePack);
        }

        using var http = Http(server: ServerFor(roomId));
        var (participantId, token) = await HubBenchClient.JoinAsync(http, roomId, name, cancellationToken);
        return await HubBenchClient.ConnectAsync(ServerFor(roomId), Addresses.Next(), roomId, participantId, token, onStatus, reconnect: false, cancellationToken, messagePack);
    }
}
