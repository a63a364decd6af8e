using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

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

    public static TimeSpan NextBackoff(TimeSpan delay) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
}
