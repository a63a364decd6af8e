using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace CallServer.Tests.Infrastructure;

/// <summary>
/// Redis high availability on loopback: a master, one replica and three sentinels (Debian's redis-server and redis-sentinel),
/// with the faults of a real failover: the replication link cut (iptables), the master killed.
/// </summary>
public sealed class SentinelCluster : IAsyncLifetime
{
    private const string Service = "m1";
    private static readonly string[] ReplicationArgs = ["--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"];
    private readonly string _dir = Directory.CreateTempSubdirectory("callserver-sentinel-").FullName;
    private readonly List<Process> _sentinels = [];
    private readonly int[] _sentinelPorts = [FreePort.Next(), FreePort.Next(), FreePort.Next()];
    private string? _cut;

    public SentinelCluster()
    {
        Master = RedisServer.With(ReplicationArgs);
        Replica = RedisServer.With([.. ReplicationArgs, "--replicaof", "127.0.0.1", Master.Port.ToString(CultureInfo.InvariantCulture)]);
    }

    public RedisServer Master { get; }

    public RedisServer Replica { get; }

    /// <summary>How CallServer connects: through the sentinels, to whichever server is master.</summary>
    public string ConnectionString =>
        string.Join(",", _sentinelPorts.Select(p => $"127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}")) + $",serviceName={Service}";

    public async Task InitializeAsync()
    {
        await Master.InitializeAsync();
        await Replica.InitializeAsync();
        await WaitForReplicaAsync(Master.Port);
        foreach (var port in _sentinelPorts)
        {
            var file = Path.Combine(_dir, $"sentinel-{port.ToString(CultureInfo.InvariantCulture)}.conf");
            await File.WriteAllLinesAsync(file,
            [
                $"port {port.ToString(CultureInfo.InvariantCulture)}",
                "bind 127.0.0.1",
                "daemonize no",
                $"dir {_dir}",
                $"logfile {Path.Combine(_dir, $"sentinel-{port.ToString(CultureInfo.InvariantCulture)}.log")}",
                $"sentinel monitor {Service} 127.0.0.1 {Master.Port.ToString(CultureInfo.InvariantCulture)} 2",
                $"sentinel down-after-milliseconds {Service} 1000",
                $"sentinel failover-timeout {Service} 5000",
            ]);
            _sentinels.Add(Process.Start(new ProcessStartInfo("redis-sentinel", [file]) { RedirectStandardOutput = true, RedirectStandardError = true })!);
        }

        await Eventually.TrueAsync(async () => await MasterPortAsync() == Master.Port, "the sentinels to know the master", TimeSpan.FromSeconds(30));
    }

    /// <summary>Waits until a replica of the master on <paramref name="masterPort"/> holds a live link (<c>WAIT 1</c> answers 1).</summary>
    public Task WaitForReplicaAsync(int masterPort) =>
        Eventually.TrueAsync(async () =>
        {
            await using var master = await AdminAsync(masterPort);
            return (long)await master.GetDatabase().ExecuteAsync("WAIT", 1, 200) >= 1;
        }, $"a replica in sync with 127.0.0.1:{masterPort}", TimeSpan.FromSeconds(30));

    /// <summary>The port the first sentinel names as master.</summary>
    public Task<int> MasterPortAsync() => MasterPortAsync(_sentinelPorts[0]);

    /// <summary>The port the sentinel on <paramref name="sentinelPort"/> names as master.</summary>
    private static async Task<int> MasterPortAsync(int sentinelPort)
    {
        await using var sentinel = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", sentinelPort } },
            CommandMap = CommandMap.Sentinel,
            AllowAdmin = true,
            ConnectTimeout = 1000,
        });
        var address = (RedisResult[])(await sentinel.GetServers()[0].ExecuteAsync("SENTINEL", "get-master-addr-by-name", Service))!;
        return int.Parse(address[1].ToString(), CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until the sentinels name the replica as master and it has taken the role (its failover is complete).</summary>
    public Task WaitForPromotionAsync() =>
        Eventually.TrueAsync(async () =>
        {
            // every sentinel must agree, or one that still names the old master would turn the new one back into its replica
            foreach (var port in _sentinelPorts)
            {
                if (await MasterPortAsync(port) != Replica.Port)
                {
                    return false;
                }
            }

            await using var replica = await AdminAsync(Replica.Port);
            var role = (RedisResult[])(await replica.GetDatabase().ExecuteAsync("ROLE"))!;
            return role[0].ToString() == "master";
        }, "the sentinels to promote the replica", TimeSpan.FromSeconds(30));

    /// <summary>Starts the killed master again as a replica of the promoted one, as an operator brings a failed master back, and waits until it is in sync.</summary>
    public async Task RejoinOldMasterAsync()
    {
        await Master.StartAsync("--replicaof", "127.0.0.1", Replica.Port.ToString(CultureInfo.InvariantCulture));
        // whichever server the sentinels name as master by then, it must have a replica in sync
        await Eventually.TrueAsync(async () =>
        {
            await using var master = await AdminAsync(await MasterPortAsync());
            return (long)await master.GetDatabase().ExecuteAsync("WAIT", 1, 200) >= 1;
        }, "the master to have a replica in sync again", TimeSpan.FromSeconds(30));
    }

    /// <summary>Cuts the replication stream from the master to the replica (the replica falls behind, as in a partition).</summary>
    public async Task CutReplicationAsync()
    {
        await using var master = await AdminAsync(Master.Port);
        var replicas = (string)(await master.GetDatabase().ExecuteAsync("CLIENT", "LIST", "TYPE", "replica"))!;
        var address = replicas.Split(' ').First(f => f.StartsWith("addr=", StringComparison.Ordinal));
        var replicaPort = address[(address.LastIndexOf(':') + 1)..];
        _cut = $"-i lo -p tcp --sport {Master.Port.ToString(CultureInfo.InvariantCulture)} --dport {replicaPort} -j DROP";
        await Signals.RunAsync("iptables", ["-I", "INPUT", .. _cut.Split(' ')]);
    }

    /// <summary>Lets the replication stream through again.</summary>
    public async Task RestoreReplicationAsync()
    {
        if (_cut is { } rule)
        {
            _cut = null;
            await Signals.RunAsync("iptables", ["-D", "INPUT", .. rule.Split(' ')]);
        }
    }

    public async Task DisposeAsync()
    {
        await RestoreReplicationAsync();
        foreach (var sentinel in _sentinels)
        {
            if (!sentinel.HasExited)
            {
                sentinel.Kill();
                await sentinel.WaitForExitAsync();
            }

            sentinel.Dispose();
        }

        await Master.DisposeAsync();
        await Replica.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static Task<ConnectionMultiplexer> AdminAsync(int port) =>
        ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)},allowAdmin=true,connectTimeout=1000");
}
