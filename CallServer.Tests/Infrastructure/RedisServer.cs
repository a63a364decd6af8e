using System.Diagnostics;
using StackExchange.Redis;

namespace CallServer.Tests.Infrastructure;

/// <summary>A real redis-server on a private loopback port and temp dir, started and stopped by the tests.</summary>
public sealed class RedisServer : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("callserver-redis-").FullName;
    private readonly string[] _extraArgs;
    private Process? _process;

    public RedisServer()
    {
        _extraArgs = [];
    }

    private RedisServer(string[] extraArgs)
    {
        _extraArgs = extraArgs;
    }

    public int Port { get; } = FreePort.Next();

    /// <summary>A server started with these arguments added (replication settings, <c>--replicaof</c>).</summary>
    public static RedisServer With(params string[] extraArgs) => new(extraArgs);

    /// <summary>The process id of the running server.</summary>
    public int Pid => _process?.Id ?? throw new InvalidOperationException("redis-server is not running.");

    public string ConnectionString => $"127.0.0.1:{Port}";

    public Task InitializeAsync() => StartAsync();

    /// <summary>Starts the server (again, on the same port and data), with <paramref name="moreArgs"/> added this time.</summary>
    public async Task StartAsync(params string[] moreArgs)
    {
        var binary = FindBinary();
        _process = Process.Start(new ProcessStartInfo(binary)
        {
            ArgumentList =
            {
                "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--dir", _dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no",
                "--logfile", Path.Combine(_dir, "redis.log"),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }.WithArguments([.. _extraArgs, .. moreArgs]))!;
        await Eventually.TrueAsync(async () =>
        {
            await using var probe = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},connectTimeout=500");
            await probe.GetDatabase().PingAsync();
            return true;
        }, $"redis-server on port {Port}");
    }

    /// <summary>Freezes the server (SIGSTOP): it holds its connections and answers nothing, as a hung Redis does.</summary>
    public Task FreezeAsync() => Signals.SendAsync("STOP", Pid);

    /// <summary>Thaws a frozen server (SIGCONT).</summary>
    public Task ThawAsync() => Signals.SendAsync("CONT", Pid);

    /// <summary>Stops the server at once (SIGKILL; its append-only file keeps what was written).</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindBinary()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("redis-server is not installed: run the tests through ./scripts/test.sh, which installs it.");
    }
}
