using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Garnet;
using Garnet.server;
using Garnet.server.Auth.Settings;

namespace CallServer.Backup;

/// <summary>
/// The Redis-compatible store started in-process when no <c>ConnectionStrings:Redis</c> is set (Microsoft Garnet),
/// with Lua and an append-only log under the data dir, so that <c>dotnet run</c> needs no services and keeps rooms across a restart.
/// It listens on loopback and refuses every client without its password (<c>Storage:EmbeddedRedisPassword</c>, by default
/// drawn at random at every start).
/// </summary>
internal sealed class EmbeddedRedis : IDisposable
{
    private readonly GarnetServer _server;
    private readonly string _password;

    public EmbeddedRedis(StorageOptions storage, ILogger<EmbeddedRedis> logger)
    {
        // its log holds cached tokens: the folder is the server user's alone
        var dir = PrivateFiles.Folder(Path.Combine(PrivateFiles.Folder(storage.FullDataDir), "garnet"));
        Port = storage.EmbeddedRedisPort != 0 ? storage.EmbeddedRedisPort : FreeLoopbackPort();
        // any local process could otherwise read cached join answers (tokens), rewrite a room or publish signals
        _password = storage.EmbeddedRedisPassword is { Length: > 0 } set ? set : Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        _server = new GarnetServer(new GarnetServerOptions
        {
            EndPoints = [new IPEndPoint(IPAddress.Loopback, Port)],
            AuthSettings = new PasswordAuthenticationSettings(_password),
            EnableLua = true,
            LuaOptions = new LuaOptions(logger),
            QuietMode = true,
            LogDir = dir,
            CheckpointDir = dir,
            EnableAOF = true,
            EnableStorageTier = true,
            Recover = true,
            // the default native device needs libaio, which a plain Debian lacks
            DeviceType = Tsavorite.core.DeviceType.RandomAccess,
            // sized for an embedded store (Garnet's defaults are a server's: a 128 MB index and 128 MB of append-only log buffer
            // allocated up front); the index grows when it fills, and older log pages go to disk (the storage tier)
            IndexMemorySize = "4m",
            IndexMaxMemorySize = "256m",
            LogMemorySize = "64m",
            PageSize = "1m",
            // an append-only log entry must fit one page: 8 MB holds the largest room snapshot with room to spare
            AofMemorySize = "16m",
            AofPageSize = "8m",
        });
        _server.Start();
        BackupLog.EmbeddedStoreStarted(logger, Port, dir);
    }

    public int Port { get; }

    /// <summary>
    /// Completes once the append-only log holds, on disk, every write made before the call (the log's file is written through):
    /// what a change must wait for before it is acknowledged. Every writer waiting meanwhile shares one commit.
    /// </summary>
    public async Task WaitForLogAsync(CancellationToken cancellationToken) => await _server.Store.WaitForCommitAsync(cancellationToken);

    public string ConnectionString => $"127.0.0.1:{Port},password={_password}";

    public void Dispose() => _server.Dispose();

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
