using System.Diagnostics;
using System.Globalization;

namespace CallServer.Tests.Infrastructure;

/// <summary>The built server run as its own process, as it is deployed, so that tests can kill it with SIGKILL.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote (its log), for a failing test to show.</summary>
    public string Output => string.Join('\n', _output);

    public int Pid => _process.Id;

    /// <summary>SIGTERM, as an orchestrator stops a container in a rolling deploy.</summary>
    public Task TerminateAsync() => Signals.SendAsync("TERM", _process.Id);

    /// <summary>Waits for the process to exit by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <param name="openFiles">When set, the process's open-file limit (soft and hard), through <c>prlimit</c>.</param>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> settings, int? openFiles = null)
    {
        var address = NewAddress();
        var process = Process.Start(StartInfo(address, settings, openFiles))!;
        var server = new ServerProcess(process, address);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = address };
        await Eventually.TrueAsync(async () => (await http.GetAsync("/health/ready")).IsSuccessStatusCode, $"the server process on {address}", TimeSpan.FromSeconds(30));
        return server;
    }

    /// <summary>Runs the server until it exits by itself (a start that fails), and returns its exit code and its error output.</summary>
    public static async Task<(int ExitCode, string Errors)> RunUntilExitAsync(IReadOnlyDictionary<string, string> settings)
    {
        using var process = Process.Start(StartInfo(NewAddress(), settings, openFiles: null))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        await output;
        return (process.ExitCode, await errors);
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    private static Uri NewAddress() => new($"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The published shape's command line: the built server on <paramref name="address"/> with the settings (rate limits off unless given).</summary>
    private static ProcessStartInfo StartInfo(Uri address, IReadOnlyDictionary<string, string> settings, int? openFiles)
    {
        var dll = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo(openFiles is null ? "dotnet" : "prlimit")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (openFiles is { } limit)
        {
            start.ArgumentList.Add($"--nofile={limit}:{limit}");
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString());
        foreach (var (key, value) in CallServerApplication.NoRateLimits.Where(d => !settings.ContainsKey(d.Key)).Concat(settings))
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        return start;
    }

    /// <summary>kill -9: no shutdown, no flush, no goodbye.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
