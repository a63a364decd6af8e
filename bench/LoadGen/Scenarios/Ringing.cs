using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LoadGen.Net;
using LoadGen.Report;

namespace LoadGen.Scenarios;

/// <summary>
/// Open-loop dials (<c>POST /calls</c>, one callee each) at a fixed rate, on an open server; latency from the scheduled start
/// to the dial's answer. With a <see cref="WebhookSink"/> taking <c>invitation.ringing</c>, the time from each ring's event to
/// its webhook's arrival: what stands between a dial and the callee's phone starting to ring (the backend's push aside).
/// </summary>
internal static class Ringing
{
    public static async Task<BenchResult> RunAsync(Uri server, ServerProbe probe, double rate, TimeSpan duration, TimeSpan warmup, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = server };
        var callers = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            using var minted = await http.PostAsJsonAsync("/users/token", new { identity = $"caller-{i}" }, cancellationToken);
            callers.Add((string)(await minted.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["token"]!);
        }

        if (warmup > TimeSpan.Zero)
        {
            await DialAsync(http, callers, rate, warmup, new Latencies(), cancellationToken);
        }

        var cpuBefore = probe.CpuSeconds();
        var started = Stopwatch.GetTimestamp();
        var latencies = new Latencies();
        var errors = await DialAsync(http, callers, rate, duration, latencies, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = probe.CpuSeconds() - cpuBefore;
        return new BenchResult
        {
            Target = "callserver",
            Scenario = "ringing",
            Load = $"{rate:0} dials/s for {duration.TotalSeconds:0} s",
            OfferedRate = rate,
            Seconds = elapsed,
            DeliveriesPerSecond = latencies.Count / elapsed,
            P50Ms = latencies.PercentileMs(50),
            P99Ms = latencies.PercentileMs(99),
            P999Ms = latencies.PercentileMs(99.9),
            ServerCpuSeconds = cpu,
            ServerRssBytes = probe.RssBytes(),
            DeliveriesPerCpuSecond = cpu > 0 ? latencies.Count / cpu : 0,
            Errors = errors,
            Count = latencies.Count,
        };
    }

    private static async Task<long> DialAsync(HttpClient http, List<string> callers, double rate, TimeSpan duration, Latencies latencies, CancellationToken cancellationToken)
    {
        long errors = 0;
        var total = (int)(rate * duration.TotalSeconds);
        var started = Stopwatch.GetTimestamp();
        var tasks = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            var wait = due - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            var scheduled = started + (long)(due.TotalSeconds * Stopwatch.Frequency);
            var token = callers[i % callers.Count];
            var callee = $"callee-{Guid.NewGuid():N}";
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/calls") { Content = JsonContent.Create(new { to = new[] { callee }, ringSeconds = 120 }) };
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                    using var response = await http.SendAsync(request, cancellationToken);
                    response.EnsureSuccessStatusCode();
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
