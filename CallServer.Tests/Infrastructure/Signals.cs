using System.Diagnostics;
using System.Globalization;

namespace CallServer.Tests.Infrastructure;

/// <summary>Faults injected the way they happen: a signal to a real process (SIGSTOP, SIGCONT, SIGKILL).</summary>
internal static class Signals
{
    public static async Task SendAsync(string signal, params int[] pids)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", .. pids.Select(p => p.ToString(CultureInfo.InvariantCulture))])
        {
            RedirectStandardError = true,
        })!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {string.Join(' ', pids)}: {await kill.StandardError.ReadToEndAsync()}");
        }
    }

    /// <summary>Runs a command to its end, throwing with its output when it fails.</summary>
    public static async Task<string> RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
        }

        return await output;
    }
}
