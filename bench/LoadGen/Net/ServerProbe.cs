using System.Globalization;

namespace LoadGen.Net;

/// <summary>
/// The server processes' own CPU seconds, written bytes and resident memory, from /proc, summed over every instance under
/// test (one, or several sharing a Redis): the load generator shares the cores.
/// </summary>
internal sealed class ServerProbe(IReadOnlyList<int> pids)
{
    private const double TicksPerSecond = 100.0;

    public ServerProbe(int pid)
        : this([pid])
    {
    }

    /// <summary>The first instance's process id (0: none to probe).</summary>
    public int Pid { get; } = pids.Count > 0 ? pids[0] : 0;

    private IEnumerable<int> Pids => pids.Where(pid => pid > 0);

    public double CpuSeconds() => Pids.Sum(pid =>
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    });

    /// <summary>
    /// Waits until the servers are quiet (under 5% of a core for a second) or <paramref name="atMost"/> passed: what one scenario
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

    /// <summary>Bytes the servers passed to write and send calls (sockets included: their Redis traffic and what they send to clients).</summary>
    public long WrittenBytes() => Pids.Sum(pid =>
    {
        var line = File.ReadLines($"/proc/{pid}/io").First(l => l.StartsWith("wchar:", StringComparison.Ordinal));
        return long.Parse(line["wchar:".Length..].Trim(), CultureInfo.InvariantCulture);
    });

    public long RssBytes() => Pids.Sum(pid =>
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    });
}
