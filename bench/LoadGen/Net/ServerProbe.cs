using System.Globalization;

namespace LoadGen.Net;

/// <summary>The server process's own CPU seconds and resident memory, from /proc: the load generator shares the cores.</summary>
internal sealed class ServerProbe(int pid)
{
    private const double TicksPerSecond = 100.0;

    public int Pid { get; } = pid;

    public double CpuSeconds()
    {
        if (Pid <= 0)
        {
            return 0;
        }

        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>
    /// Waits until the server is quiet (under 5% of a core for a second) or <paramref name="atMost"/> passed: what one scenario
    /// leaves behind (disconnects, grace timers, history) is not measured as part of the next.
    /// </summary>
    public async Task SettleAsync(TimeSpan atMost, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + atMost;
        var last = CpuSeconds();
        while (Pid > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var now = CpuSeconds();
            if (now - last < 0.05)
            {
                return;
            }

            last = now;
        }
    }

    /// <summary>Bytes the server passed to write and send calls (sockets included: its Redis traffic and what it sends to clients).</summary>
    public long WrittenBytes()
    {
        if (Pid <= 0)
        {
            return 0;
        }

        var line = File.ReadLines($"/proc/{Pid}/io").First(l => l.StartsWith("wchar:", StringComparison.Ordinal));
        return long.Parse(line["wchar:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    public long RssBytes()
    {
        if (Pid <= 0)
        {
            return 0;
        }

        var line = File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
