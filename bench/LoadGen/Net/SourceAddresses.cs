using System.Net;
using System.Net.Sockets;

namespace LoadGen.Net;

/// <summary>
/// Spreads client connections over loopback source addresses (127.0.0.2, .3, …), each with its own ephemeral ports, so that
/// tens of thousands of connections to one server port do not run out of them. Every address is loopback: nothing leaves the machine.
/// </summary>
internal sealed class SourceAddresses(int count)
{
    private readonly SocketsHttpHandler[] _handlers = [.. Enumerable.Range(2, count).Select(i => Handler(IPAddress.Parse($"127.0.0.{i}")))];
    private int _next;

    /// <summary>A handler bound to the next source address (shared: do not dispose it).</summary>
    public SocketsHttpHandler NextHandler() => _handlers[(int)((uint)Interlocked.Increment(ref _next) % _handlers.Length)];

    public HttpMessageInvoker Next() => new(NextHandler(), disposeHandler: false);

    private static SocketsHttpHandler Handler(IPAddress local) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        MaxConnectionsPerServer = 256,
    };
}
