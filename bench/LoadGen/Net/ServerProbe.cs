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
