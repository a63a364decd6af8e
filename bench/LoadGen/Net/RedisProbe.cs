using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace LoadGen.Net;

/// <summary>
/// What the Redis server under the instances sent and spent (<c>INFO</c>: <c>total_net_output_bytes</c>, <c>used_cpu_sys</c>
/// + <c>used_cpu_user</c>), read over a plain RESP connection: the cost of each change on the one shared Redis.
/// </summary>
internal sealed class RedisProbe(string endpoint)
{
    public async Task<(long OutputBytes, double CpuSeconds)> SampleAsync(CancellationToken cancellationToken)
    {
        var colon = endpoint.LastIndexOf(':');
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint[..colon], int.Parse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture), cancellationToken);
        var stream = tcp.GetStream();
        await stream.WriteAsync("INFO\r\n"u8.ToArray(), cancellationToken);
        // a bulk string: "$<length>\r\n" then the text
        var reader = new StreamReader(stream, Encoding.ASCII);
        var header = await reader.ReadLineAsync(cancellationToken) ?? throw new IOException("Redis closed the connection.");
        var length = int.Parse(header[1..], CultureInfo.InvariantCulture);
        var text = new char[length];
        var read = 0;
        while (read < length)
        {
            var n = await reader.ReadAsync(text.AsMemory(read), cancellationToken);
            read += n > 0 ? n : throw new IOException("Redis closed the connection.");
        }

        var fields = new string(text).Split("\r\n").Select(line => line.Split(':', 2)).Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1]);
        return (long.Parse(fields["total_net_output_bytes"], CultureInfo.InvariantCulture),
            double.Parse(fields["used_cpu_sys"], CultureInfo.InvariantCulture) + double.Parse(fields["used_cpu_user"], CultureInfo.InvariantCulture));
    }
}
