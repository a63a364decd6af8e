using System.Globalization;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace LoadGen.Clients;

/// <summary>A participant of CallServer or the baseline: REST join, then the SignalR hub over WebSockets (JSON or MessagePack).</summary>
internal sealed class HubBenchClient(HubConnection connection, string roomId, string participantId, string token, bool messagePack = false) : IBenchClient
{
    public string RoomId { get; } = roomId;

    public string ParticipantId { get; } = participantId;

    public string Token { get; } = token;

    public HubConnection Connection { get; } = connection;

    public static async Task<(string ParticipantId, string Token)> JoinAsync(HttpClient http, string roomId, string name, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync($"/rooms/{roomId}/join", new { displayName = name }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return (body.GetProperty("participantId").GetString()!, body.GetProperty("token").GetString()!);
    }

    /// <summary>CallServer's join over the hub (docs/API.md §5.1): connects with the room and name, and waits for <c>joined</c>.</summary>
    public static async Task<HubBenchClient> JoinOverHubAsync(
        Uri server, HttpMessageInvoker invoker, string roomId, string name, Action<Receipt>? onStatus, CancellationToken cancellationToken, bool messagePack = false)
    {
        var url = new Uri(server, $"/hubs/room?room={Uri.EscapeDataString(roomId)}&displayName={Uri.EscapeDataString(name)}");
        var connection = Build(url, invoker, reconnect: false, messagePack);
        var joined = new TaskCompletionSource<(string ParticipantId, string Token)>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (messagePack)
        {
            connection.On<Dictionary<string, object>>("joined", j => joined.TrySetResult(((string)j["participantId"], (string)j["token"])));
        }
        else
        {
            connection.On<JsonElement>("joined", j => joined.TrySetResult((j.GetProperty("participantId").GetString()!, j.GetProperty("token").GetString()!)));
        }

        OnStatus(connection, roomId, onStatus, messagePack);
        connection.Closed += error =>
        {
            joined.TrySetException(error ?? new InvalidOperationException("closed before joined"));
            return Task.CompletedTask;
        };
        try
        {
            await connection.StartAsync(cancellationToken);
            var (participantId, token) = await joined.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            return new HubBenchClient(connection, roomId, participantId, token, messagePack);
        }
        catch
        {
            // a refused or timed-out join leaves no socket open to weigh on the rest of the run
            await connection.DisposeAsync();
            throw;
        }
    }

    public static async Task<HubBenchClient> ConnectAsync(
        Uri server, HttpMessageInvoker invoker, string roomId, string participantId, string token, Action<Receipt>? onStatus,
        bool reconnect, CancellationToken cancellationToken, bool messagePack = false)
    {
        var url = new Uri(server, $"/hubs/room?access_token={Uri.EscapeDataString(token)}");
        var connection = Build(url, invoker, reconnect, messagePack);
        OnStatus(connection, roomId, onStatus, messagePack);
        await connection.StartAsync(cancellationToken);
        return new HubBenchClient(connection, roomId, participantId, token, messagePack);
    }

    private static HubConnection Build(Uri url, HttpMessageInvoker invoker, bool reconnect, bool messagePack)
    {
        var builder = new HubConnectionBuilder().WithUrl(url, o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
            o.WebSocketFactory = async (context, ct) =>
            {
                var socket = new ClientWebSocket();
                await socket.ConnectAsync(context.Uri, invoker, ct);
                return socket;
            };
        });
        if (reconnect)
        {
            builder.WithAutomaticReconnect(new FastRetry());
        }

        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }

        var connection = builder.Build();
        connection.ServerTimeout = TimeSpan.FromSeconds(60);
        return connection;
    }

    private static void OnStatus(HubConnection connection, string roomId, Action<Receipt>? onStatus, bool messagePack)
    {
        if (onStatus is not null && messagePack)
        {
            connection.On<Dictionary<string, object>>("status", s => onStatus(new Receipt(roomId, Convert.ToInt64(s["version"], CultureInfo.InvariantCulture), System.Diagnostics.Stopwatch.GetTimestamp())));
        }
        else if (onStatus is not null)
        {
            connection.On<JsonElement>("status", s => onStatus(new Receipt(roomId, s.GetProperty("version").GetInt64(), System.Diagnostics.Stopwatch.GetTimestamp())));
        }
    }

    public Task<long> SetMediaAsync(bool audio, bool video, CancellationToken cancellationToken) =>
        VersionOfAsync("SetMedia", [audio, video], cancellationToken);

    public Task<long> GetStatusAsync(CancellationToken cancellationToken) => VersionOfAsync("GetStatus", [], cancellationToken);

    private async Task<long> VersionOfAsync(string method, object?[] args, CancellationToken cancellationToken) => messagePack
        ? Convert.ToInt64((await Connection.InvokeCoreAsync<Dictionary<string, object>>(method, args, cancellationToken))["version"], CultureInfo.InvariantCulture)
        : (await Connection.InvokeCoreAsync<JsonElement>(method, args, cancellationToken)).GetProperty("version").GetInt64();

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    /// <summary>Reconnects every 100 ms, for ever: the restart scenario measures how soon clients are back.</summary>
    private sealed class FastRetry : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => TimeSpan.FromMilliseconds(100);
    }
}
