using System.Collections.Concurrent;
using System.Diagnostics;
using LoadGen.Clients;
using LoadGen.Net;
using LoadGen.Report;

namespace LoadGen.Scenarios;

/// <summary>Open-loop joins at a fixed rate, each followed by a hub connect; latency from the scheduled start to connected.</summary>
internal static class Joins
{
    public static async Task<BenchResult> RunAsync(BenchTarget target, ServerProbe probe, double rate, TimeSpan duration, TimeSpan warmup, CancellationToken cancellationToken)
    {
        var clients = new ConcurrentBag<IBenchClient>();
        if (warmup > TimeSpan.Zero)
        {
            // the same load unmeasured first (JIT tiering of the join path, pools growing), its clients kept connected
            await JoinAsync(target, rate, warmup, clients, new Latencies(), cancellationToken);
        }

        var cpuBefore = probe.CpuSeconds();
        var started = Stopwatch.GetTimestamp();
        var latencies = new Latencies();
        var errors = await JoinAsync(target, rate, duration, clients, latencies, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = probe.CpuSeconds() - cpuBefore;
        var rss = probe.RssBytes();
        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        return new BenchResult
        {
            Target = target.Kind,
            Scenario = "joins",
            Load = $"{rate:0} joins/s for {duration.TotalSeconds:0} s",
            OfferedRate = rate,
            Seconds = elapsed,
            DeliveriesPerSecond = latencies.Count / elapsed,
            P50Ms = latencies.PercentileMs(50),
            P99Ms = latencies.PercentileMs(99),
            P999Ms = latencies.PercentileMs(99.9),
            ServerCpuSeconds = cpu,
            ServerRssBytes = rss,
            DeliveriesPerCpuSecond = cpu > 0 ? latencies.Count / cpu : 0,
            Errors = errors,
            Count = latencies.Count,
        };
    }

    /// <summary>Joins at <paramref name="rate"/> for <paramref name="duration"/>; returns the errors.</summary>
    private static async Task<long> JoinAsync(
        BenchTarget target, double rate, TimeSpan duration, ConcurrentBag<IBenchClient> clients, Latencies latencies, CancellationToken cancellationToken)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        long errors = 0;
        var total = (int)(rate * duration.TotalSeconds);
        var started = Stopwatch.GetTimestamp();
        var tasks = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            // open loop: each join starts on its schedule, whether or not the earlier ones are done
            var due = TimeSpan.FromSeconds(i / rate);
            var wait = due - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            var scheduled = started + (long)(due.TotalSeconds * Stopwatch.Frequency);
            var room = $"j{run}-{i / 10}";
            var name = $"u{i}";
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    clients.Add(await target.JoinAndConnectAsync(room, name, null, cancellationToken));
                    latencies.Record(scheduled, Stopwatch.GetTimestamp());
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                }
            }, cancellationToken));
        }

        await Task.WhenAll(tasks);
        return errors;
    }
}
