using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace LoadGen.Clients;

/// <summary>A client of the bare WebSocket server: a text frame asks for a push to the room; its own copy tells the version.</summary>
internal sealed class LimitBenchClient : IBenchClient
{
    private readonly ClientWebSocket _socket;
    private readonly string _id;
    private readonly ConcurrentQueue<TaskCompletionSource<long>> _waiting = new();
    private readonly Action<Receipt>? _onStatus;
    private readonly Task _receiving;

    private LimitBenchClient(ClientWebSocket socket, string roomId, string id, Action<Receipt>? onStatus)
    {
        _socket = socket;
        RoomId = roomId;
        _id = id;
        _onStatus = onStatus;
        _receiving = Task.Run(ReceiveAsync);
    }

    public string RoomId { get; }

    public static async Task<LimitBenchClient> ConnectAsync(Uri server, HttpMessageInvoker invoker, string roomId, string id, Action<Receipt>? onStatus, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        var ws = new UriBuilder(server) { Scheme = "ws", Path = "/ws", Query = $"room={roomId}&id={id}" }.Uri;
        await socket.ConnectAsync(ws, invoker, cancellationToken);
        return new LimitBenchClient(socket, roomId, id, onStatus);
    }

    public async Task<long> SetMediaAsync(bool audio, bool video, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Enqueue(reply);
        await _socket.SendAsync("m"u8.ToArray(), WebSocketMessageType.Text, true, cancellationToken);
        return await reply.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
    }

    public Task<long> GetStatusAsync(CancellationToken cancellationToken) => SetMediaAsync(true, true, cancellationToken);

    private async Task ReceiveAsync()
    {
        var buffer = new byte[8192];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var at = Stopwatch.GetTimestamp();
                using var json = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
                var version = json.RootElement.GetProperty("version").GetInt64();
                _onStatus?.Invoke(new Receipt(RoomId, version, at));
                if (json.RootElement.GetProperty("from").GetString() == _id && _waiting.TryDequeue(out var waiting))
                {
                    waiting.TrySetResult(version);
                }
            }
        }
        catch (WebSocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }

        await _receiving.WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
    }
}
