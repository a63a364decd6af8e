using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;

// The limit: a client's text frame in a room makes the server push one status-sized JSON to every socket of the room.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();
var rooms = new ConcurrentDictionary<string, LimitRoom>();
app.UseWebSockets();
app.Map("/ws", async (HttpContext context) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = 400;
        return;
    }

    var roomId = context.Request.Query["room"].ToString();
    var clientId = context.Request.Query["id"].ToString();
    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var room = rooms.GetOrAdd(roomId, _ => new LimitRoom());
    var member = new LimitMember(socket);
    lock (room.Members)
    {
        room.Members.Add(member);
    }

    var buffer = new byte[1024];
    try
    {
        while (socket.State == WebSocketState.Open)
        {
            var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            var version = Interlocked.Increment(ref room.Version);
            // about the size of a CallServer status of a room of 10
            var payload = Encoding.UTF8.GetBytes(
                $"{{\"roomId\":\"{roomId}\",\"version\":{version},\"from\":\"{clientId}\",\"state\":\"active\",\"participants\":\"{new string('x', 900)}\"}}");
            LimitMember[] members;
            lock (room.Members)
            {
                members = [.. room.Members];
            }

            await Task.WhenAll(members.Select(m => m.SendAsync(payload)));
        }
    }
    catch (WebSocketException)
    {
    }
    finally
    {
        lock (room.Members)
        {
            room.Members.Remove(member);
        }
    }
});
app.Run();

internal sealed class LimitRoom
{
    public long Version;
    public List<LimitMember> Members { get; } = [];
}

internal sealed class LimitMember(WebSocket socket)
{
    private readonly SemaphoreSlim _send = new(1, 1);

    public async Task SendAsync(byte[] payload)
    {
        await _send.WaitAsync();
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(payload, WebSocketMessageType.Text, true, CancellationToken.None);
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            _send.Release();
        }
    }
}
