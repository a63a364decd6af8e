using LoadGen.Net;

namespace LoadGen.Clients;

/// <summary>A server under test and how its participants join and connect.</summary>
/// <remarks><paramref name="joinOverHub"/>: CallServer's participants join as they connect (one change of the room, docs/API.md
/// §5.1) instead of a REST join and then a connect; the baseline has only the second way.</remarks>
internal sealed class BenchTarget(string kind, Uri server, SourceAddresses addresses, bool messagePack = false, bool joinOverHub = true)
{
    public string Kind { get; } = kind;

    public Uri Server { get; } = server;

    public SourceAddresses Addresses { get; } = addresses;

    public HttpClient Http(string? adminKey = null)
    {
        var http = new HttpClient(Addresses.NextHandler(), disposeHandler: false) { BaseAddress = Server, Timeout = TimeSpan.FromSeconds(30) };
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
            return await LimitBenchClient.ConnectAsync(Server, Addresses.Next(), roomId, name, onStatus, cancellationToken);
        }

        if (Kind == "callserver" && joinOverHub)
        {
            return await HubBenchClient.JoinOverHubAsync(Server, Addresses.Next(), roomId, name, onStatus, cancellationToken, messagePack);
        }

        using var http = Http();
        var (participantId, token) = await HubBenchClient.JoinAsync(http, roomId, name, cancellationToken);
        return await HubBenchClient.ConnectAsync(Server, Addresses.Next(), roomId, participantId, token, onStatus, reconnect: false, cancellationToken, messagePack);
    }
}
