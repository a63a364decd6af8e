using System.Globalization;
using System.Text;
using System.Text.Json;
using ScottPlot;

namespace LoadGen.Report;

/// <summary>Turns the result lines of a run into RESULTS.md (medians of the runs, ratios to the peers) and PNG charts.</summary>
internal static class ReportWriter
{
    private static readonly string[] Targets = ["callserver", "baseline", "socketio", "limit"];

    public static void Write(string input, string output, string chartDir, string command)
    {
        var results = File.ReadAllLines(input).Where(l => l.TrimStart().StartsWith('{'))
            .Select(l => JsonSerializer.Deserialize(l, ReportJson.Default.BenchResult)!).ToList();
        Directory.CreateDirectory(chartDir);
        var md = new StringBuilder();
        md.AppendLine("# CallServer benchmarks").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Produced by `{command}` on {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC. Every number is the median of the runs of one scenario; the peers ran in the same run on the same machine, one after another, so compare the ratios, not the absolute values.").AppendLine();
        md.AppendLine("## Machine").AppendLine().AppendLine("```").AppendLine(Machine()).AppendLine("```").AppendLine();
        md.AppendLine("Server CPU is the server process's own user+system seconds (`/proc/PID/stat`) during the measured window: the load generator shares the two cores, so *deliveries per server CPU-second* is the fair measure of cost.").AppendLine();

        Fanout(md, results.Where(r => r.Scenario == "fanout").ToList(), chartDir);
        Joins(md, results.Where(r => r.Scenario == "joins").ToList());
        Simple(md, "Crash: injected worker crash → next command served", results.Where(r => r.Scenario == "crash").ToList(),
            "| target | load | samples | p50 ms | p99 ms | p99.9 ms | errors |", r => $"| {r.Target} | {r.Load} | {r.Count} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.P999Ms:0.00} | {r.Errors} |");
        Simple(md, "Restart: kill -9, start again", results.Where(r => r.Scenario == "restart").ToList(),
            "| target | load | every room answers (s) | every client reconnected (s) | not back |", r => $"| {r.Target} | {r.Load} | {r.P50Ms / 1000:0.00} | {r.P99Ms / 1000:0.00} | {r.Errors} |");
        Memory(md, results.Where(r => r.Scenario is "connections" or "idle-rooms").ToList(), chartDir);
        File.WriteAllText(output, md.ToString());
    }

    private static void Fanout(StringBuilder md, List<BenchResult> runs, string chartDir)
    {
        if (runs.Count == 0)
        {
            return;
        }

        md.AppendLine("## Fan-out: every participant changes its media, every client gets every status").AppendLine();
        md.AppendLine("| target | load | runs | deliveries/s | p50 ms | p99 ms | p99.9 ms | server CPU s | deliveries per server CPU-s | vs callserver | RSS MB | errors |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        var groups = runs.GroupBy(r => (r.Load, r.Target)).OrderBy(g => g.Key.Load, StringComparer.Ordinal).ThenBy(g => Array.IndexOf(Targets, g.Key.Target)).ToList();
        foreach (var g in groups)
        {
            var ours = runs.Where(r => r.Load == g.Key.Load && r.Target == "callserver").Select(r => r.DeliveriesPerCpuSecond).ToList();
            var perCpu = Median(g.Select(r => r.DeliveriesPerCpuSecond));
            var ratio = ours.Count > 0 && perCpu > 0 ? $"{Median(ours) / perCpu:0.00}×" : "";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {g.Key.Target} | {g.Key.Load} | {g.Count()} | {Median(g.Select(r => r.DeliveriesPerSecond)):0} | {Median(g.Select(r => r.P50Ms)):0.00} | {Median(g.Select(r => r.P99Ms)):0.00} | {Median(g.Select(r => r.P999Ms)):0.00} | {Median(g.Select(r => r.ServerCpuSeconds)):0.0} | {perCpu:0} | {ratio} | {Median(g.Select(r => (double)r.ServerRssBytes)) / 1048576:0} | {g.Sum(r => r.Errors)} |");
        }

        md.AppendLine().AppendLine("*vs callserver*: CallServer's deliveries per server CPU-second divided by the target's (above 1: CallServer is cheaper per delivery).").AppendLine();
        var plot = new Plot();
        var position = 0.0;
        var ticks = new List<Tick>();
        foreach (var g in groups)
        {
            var bar = plot.Add.Bar(position, Median(g.Select(r => r.P99Ms)));
            bar.Color = Colors.Category10[Array.IndexOf(Targets, g.Key.Target) % 10];
            ticks.Add(new Tick(position, $"{g.Key.Target}\n{g.Key.Load.Split(',')[^1].Trim()}"));
            position += 1;
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Left.Label.Text = "p99 latency (ms), call → receipt";
        plot.Title("Fan-out p99 latency");
        plot.SavePng(Path.Combine(chartDir, "fanout-p99.png"), 1000, 500);

        var throughput = new Plot();
        foreach (var target in Targets)
        {
            var points = runs.Where(r => r.Target == target).GroupBy(r => r.OfferedRate).OrderBy(g => g.Key)
                .Select(g => (Offered: g.Key, Delivered: Median(g.Select(r => r.DeliveriesPerSecond)))).ToList();
            if (points.Count > 0)
            {
                var line = throughput.Add.Scatter(points.Select(p => p.Offered).ToArray(), points.Select(p => p.Delivered).ToArray());
                line.LegendText = target;
            }
        }

        throughput.Axes.Bottom.Label.Text = "offered deliveries/s";
        throughput.Axes.Left.Label.Text = "delivered statuses/s";
        throughput.Title("Fan-out throughput against load");
        throughput.ShowLegend();
        throughput.SavePng(Path.Combine(chartDir, "fanout-throughput.png"), 800, 500);
        md.AppendLine("![p99 latency](charts/fanout-p99.png)").AppendLine().AppendLine("![throughput](charts/fanout-throughput.png)").AppendLine();
    }

    private static void Joins(StringBuilder md, List<BenchResult> runs)
    {
        if (runs.Count == 0)
        {
            return;
        }

        md.AppendLine("## Joins: open-loop REST joins, each followed by a hub connect").AppendLine();
        md.AppendLine("| target | load | runs | joined+connected/s | p50 ms | p99 ms | p99.9 ms | per server CPU-s | errors |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var g in runs.GroupBy(r => (r.OfferedRate, r.Target)).OrderBy(g => g.Key.OfferedRate).ThenBy(g => Array.IndexOf(Targets, g.Key.Target)))
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {g.Key.Target} | {g.First().Load} | {g.Count()} | {Median(g.Select(r => r.DeliveriesPerSecond)):0} | {Median(g.Select(r => r.P50Ms)):0.00} | {Median(g.Select(r => r.P99Ms)):0.00} | {Median(g.Select(r => r.P999Ms)):0.00} | {Median(g.Select(r => r.DeliveriesPerCpuSecond)):0} | {g.Sum(r => r.Errors)} |");
        }

        md.AppendLine();
    }

    private static void Simple(StringBuilder md, string title, List<BenchResult> runs, string header, Func<BenchResult, string> row)
    {
        if (runs.Count == 0)
        {
            return;
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"## {title}").AppendLine().AppendLine(header);
        md.AppendLine(string.Concat(Enumerable.Repeat("|---", header.Count(c => c == '|') - 1)) + "|");
        foreach (var r in runs)
        {
            md.AppendLine(row(r));
        }

        md.AppendLine();
    }

    private static void Memory(StringBuilder md, List<BenchResult> runs, string chartDir)
    {
        if (runs.Count == 0)
        {
            return;
        }

        md.AppendLine("## Memory").AppendLine();
        md.AppendLine("| target | what | count | server RSS MB | bytes each | errors |").AppendLine("|---|---|---|---|---|---|");
        foreach (var r in runs.OrderBy(r => r.Scenario, StringComparer.Ordinal).ThenBy(r => Array.IndexOf(Targets, r.Target)))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Target} | {r.Load} | {r.Count} | {r.ServerRssBytes / 1048576.0:0} | {r.BytesPerUnit:0} | {r.Errors} |");
        }

        var plot = new Plot();
        var connections = runs.Where(r => r.Scenario == "connections").ToList();
        for (var i = 0; i < connections.Count; i++)
        {
            var bar = plot.Add.Bar(i, connections[i].BytesPerUnit / 1024);
            bar.Color = Colors.Category10[Array.IndexOf(Targets, connections[i].Target) % 10];
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. connections.Select((r, i) => new Tick(i, r.Target))]);
        plot.Axes.Left.Label.Text = "server KB per idle connection";
        plot.Title("Memory per connection");
        plot.SavePng(Path.Combine(chartDir, "memory-per-connection.png"), 700, 400);
        md.AppendLine().AppendLine("![memory per connection](charts/memory-per-connection.png)").AppendLine();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() : "?";
        var memory = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").First().Split(':')[1].Trim() : "?";
        return $"{Environment.ProcessorCount} cores, {cpu}\nmemory {memory}\n{System.Runtime.InteropServices.RuntimeInformation.OSDescription}\n.NET {Environment.Version}";
    }
}
