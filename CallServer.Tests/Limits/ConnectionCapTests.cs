using System.Net.Sockets;
using System.Text;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Limits;

/// <summary>Connection attempts far beyond what the process's open files allow: Kestrel refuses them, and the process stays up.</summary>
[Collection(RedisCollection.Name)]
public sealed class ConnectionCapTests(RedisServer redis)
{
    [Fact]
    public async Task AThousandConnectionsAgainstAnOpenFileLimitOf512LeaveTheProcessAlive()
    {
        using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Redis:KeyPrefix"] = $"t{Guid.NewGuid():N}:",
            ["Storage:DataDir"] = Directory.CreateTempSubdirectory("callserver-data-").FullName,
        }, openFiles: 512);
        var sockets = new List<Socket>();
        try
        {
            // each holds a connection open with a request that never ends
            for (var i = 0; i < 1000; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                try
                {
                    await socket.ConnectAsync("127.0.0.1", server.Address.Port);
                    await socket.SendAsync(Encoding.ASCII.GetBytes("GET /health/live HTTP/1.1\r\nHost: x\r\n"));
                }
                catch (SocketException)
                {
                    // refused or reset: what a full server does
                }
            }

            Assert.False(server.HasExited, "the server process died under the connection flood");
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }

        using var http = new HttpClient { BaseAddress = server.Address };
        try
        {
            await Eventually.TrueAsync(async () => (await http.GetAsync("/health/live")).IsSuccessStatusCode, "the server answers again");
        }
        catch (TimeoutException ex)
        {
            Assert.Fail($"{ex.Message} (process exited: {server.HasExited}); the server said:\n{server.Output}");
        }

        Assert.False(server.HasExited);
    }
}
