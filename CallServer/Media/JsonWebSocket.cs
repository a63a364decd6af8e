using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using CallServer.Domain.Supervision;

namespace CallServer.Media;

/// <summary>JSON messages over a WebSocket, one per text message, as both media servers speak them.</summary>
internal static class JsonWebSocket
{
    /// <summary>The longest wait between two tries to reach a media server.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);

    /// <summary>Hands every JSON object received to <paramref name="dispatch"/> until the socket closes.</summary>
    public static async Task ReceiveAsync(WebSocket socket, Action<JsonObject> dispatch, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (socket.State == WebSocketState.Open)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            if (JsonNode.Parse(message.ToArray()) is JsonObject json)
            {
                dispatch(json);
            }

            message.SetLength(0);
        }
    }

    /// <summary>Sends one message; <paramref name="sendLock"/> keeps concurrent senders from interleaving frames.</summary>
    public static async Task SendAsync(WebSocket socket, SemaphoreSlim sendLock, JsonNode message, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await sendLock.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            sendLock.Release();
        }
    }

    /// <summary>
    /// Keeps one connection to a media server for ever: connects, runs <paramref name="session"/> until the connection is lost,
    /// lets <paramref name="lost"/> clean up, waits (backing off while the server cannot be reached) and connects again.
    /// </summary>
    /// <param name="session">Uses the socket; returns when the connection is lost, true when it had been established.</param>
    public static async Task KeepConnectedAsync(
        Uri url, string? subProtocol, Func<ClientWebSocket, CancellationToken, Task<bool>> session, Action lost,
        Action<Exception, TimeSpan> unreachable, TimeProvider time, CancellationToken stopping)
    {
        var delay = FirstBackoff;
        while (!stopping.IsCancellationRequested)
        {
            using var socket = new ClientWebSocket();
            if (subProtocol is not null)
            {
                socket.Options.AddSubProtocol(subProtocol);
            }

            using var connection = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            try
            {
                await socket.ConnectAsync(url, connection.Token);
                if (await session(socket, connection.Token))
                {
                    delay = FirstBackoff;
                }
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                unreachable(ex, delay);
            }
            finally
            {
                await connection.CancelAsync();
                lost();
            }

            try
            {
                await Task.Delay(delay, time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = NextBackoff(delay);
        }
    }

    public static TimeSpan NextBackoff(TimeSpan delay) => RetryBackoff.Next(delay, FirstBackoff, MaxBackoff);
}
