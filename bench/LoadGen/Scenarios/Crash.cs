using System.Diagnostics;
using System.Net;
using LoadGen.Clients;
using LoadGen.Net;
using LoadGen.Report;

namespace LoadGen.Scenarios;

/// <summary>
/// Injected worker crashes (admin <c>POST /rooms/{id}/crash</c>, with <c>Rooms:EnableFaultInjection</c>) while a fan-out load
/// runs: the time from the crash's answer until the room serves its next command. Each room is crashed at most once every
/// 2.5 s, inside the default restart intensity (5 in 10 s). Half-way between two crashes the same client times a command of
/// the same room that follows no crash: the control, what any command costs under this load on this machine.
/// </summary>
internal static class Crash
{
    public static async Task<BenchResult> RunAsync(BenchTarget target, ServerProbe probe, string adminKey, int rooms, TimeSpan duration, CancellationToken cancellationToken)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var clients = await Task.WhenAll(Enumerable.Range(0, rooms).Select(r => target.JoinAndConnectAsync($"c{run}-{r}", "victim", null, cancellationToken)));
        using var background = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var load = Fanout.RunAsync(target, probe, null, 50, 5, 2, duration + TimeSpan.FromSeconds(4), TimeSpan.Zero, background.Token);
        var latencies = new Latencies();
        var control = new Latencies();
        long errors = 0;
        var started = Stopwatch.GetTimestamp();

        // a GetStatus, timed into `into` (null: during the warm-up, not recorded); a failed one counts as an error
        async Task TimeStatusAsync(IBenchClient client, Latencies? into)
        {
            var from = Stopwatch.GetTimestamp();
            try
            {
                await client.GetStatusAsync(cancellationToken);
                into?.Record(from, Stopwatch.GetTimestamp());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Increment(ref errors);
            }
        }

        await Task.WhenAll(clients.Select(client => Task.Run(async () =>
        {
            using var admin = target.Http(adminKey);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2500)), cancellationToken);
            // each room's first crash is the warm-up (the crash and restart paths run for the first time), not measured
            var measured = false;
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                using var crashed = await admin.PostAsync($"/rooms/{client.RoomId}/crash", null, cancellationToken);
                if (crashed.StatusCode != HttpStatusCode.InternalServerError)
                {
                    Interlocked.Increment(ref errors);
                }

                // the command right after the crash, and half-way to the next crash one that follows no crash
                await TimeStatusAsync(client, measured ? latencies : null);
                await Task.Delay(TimeSpan.FromMilliseconds(1250), cancellationToken);
                await TimeStatusAsync(client, measured ? control : null);
                await Task.Delay(TimeSpan.FromMilliseconds(1250), cancellationToken);
                measured = true;
            }
        }, cancellationToken)));
        var loadResult = await load;
        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        return new BenchResult
        {
            Target = target.Kind,
            Scenario = "crash",
            Load = $"{rooms} rooms crashed every 2.5 s during a fan-out of {loadResult.DeliveriesPerSecond:0} deliveries/s; " +
                $"control (a command after no crash): p50 {control.PercentileMs(50):0.##} ms, p99 {control.PercentileMs(99):0.##} ms",
            Seconds = duration.TotalSeconds,
            P50Ms = latencies.PercentileMs(50),
            P99Ms = latencies.PercentileMs(99),
            P999Ms = latencies.PercentileMs(99.9),
            DeliveriesPerSecond = loadResult.DeliveriesPerSecond,
            ServerRssBytes = probe.RssBytes(),
            Errors = errors,
            Count = latencies.Count,
        };
    }
}
