using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace CallServer.Tests.Infrastructure;

/// <summary>A throwaway PostgreSQL cluster (Debian's server binaries): initdb into a temp dir, on a private loopback port.</summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("callserver-pg-").FullName;
    private readonly string _bin = FindBinaries();

    public int Port { get; } = FreePort.Next();

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={database};Timeout=5;Command Timeout=10";

    public async Task InitializeAsync()
    {
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "postgres:postgres", _dir);
        }

        await RunPgAsync("initdb", "-D", DataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale");
        await StartAsync();
    }

    private string DataDir => Path.Combine(_dir, "data");

    public Task StartAsync() =>
        RunPgAsync("pg_ctl", "-D", DataDir, "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "30",
            "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start");

    /// <summary>Stops the server at once, dropping its connections.</summary>
    public Task StopAsync() => RunPgAsync("pg_ctl", "-D", DataDir, "-m", "immediate", "-w", "stop");

    /// <summary>Freezes the whole cluster (SIGSTOP to the postmaster and every backend): it holds its connections and answers nothing.</summary>
    public Task FreezeAsync() => SignalClusterAsync("STOP");

    /// <summary>Thaws a frozen cluster (SIGCONT).</summary>
    public Task ThawAsync() => SignalClusterAsync("CONT");

    /// <summary>Runs SQL in a database of this cluster, as its superuser.</summary>
    public async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A new empty database, so that every test app has a history of its own.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "h" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }

        Directory.Delete(_dir, recursive: true);
    }

    private async Task SignalClusterAsync(string signal)
    {
        var postmaster = int.Parse((await File.ReadAllLinesAsync(Path.Combine(DataDir, "postmaster.pid")))[0], CultureInfo.InvariantCulture);
        await Signals.SendAsync(signal, [postmaster, .. ChildrenOf(postmaster)]);
    }

    /// <summary>The processes whose parent is <paramref name="pid"/> (from /proc, so that nothing beyond the kernel is needed).</summary>
    private static IEnumerable<int> ChildrenOf(int pid)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var child))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            // "pid (comm) state ppid ...": the command may hold spaces, so read after its closing parenthesis
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 1 && int.Parse(fields[1], CultureInfo.InvariantCulture) == pid)
            {
                yield return child;
            }
        }
    }

    private Task RunPgAsync(string tool, params string[] args) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
            : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private static string FindBinaries()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException("PostgreSQL server binaries are not installed: run the tests through ./scripts/test.sh, which installs them.");
    }
}
