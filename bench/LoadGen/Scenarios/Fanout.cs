using System.Collections.Concurrent;
using System.Diagnostics;
using LoadGen.Clients;
using LoadGen.Net;
using LoadGen.Report;

namespace LoadGen.Scenarios;

/// <summary>
/// R rooms of P participants; every participant changes its media at a fixed rate; every status is delivered to the P
/// clients of its room. Measures delivered statuses per second and the latency from the call to each receipt.
/// </summary>
internal static class Fanout
{
    public static async Task<BenchResult> RunAsync(BenchTarget target, ServerProbe probe, RedisProbe? redis, int rooms, int participants, double rate, TimeSpan duration, TimeSpan warmup, CancellationToken cancellationToken)
    {
        var receipts = new ConcurrentQueue<Receipt>();
        var sends = new ConcurrentDictionary<(string, long), long>();
        var measuring = false;
        var clients = new List<IBenchClient>();
        var run = Guid.NewGuid().ToString("N")[..6];
        using (var gate = new SemaphoreSlim(64))
        {
            var joining = new List<Task<IBenchClient>>();
            for (var r = 0; r < rooms; r++)
            {
                for (var p = 0; p < participants; p++)
                {
                    var room = $"f{run}-{r}";
                    var name = $"u{p}";
                    joining.Add(Task.Run(async () =>
                    {
                        await gate.WaitAsync(cancellationToken);
                        try
                        {
                            return await target.JoinAndConnectAsync(room, name, receipt =>
                            {
                                if (Volatile.Read(ref measuring))
                                {
                                    receipts.Enqueue(receipt);
                                }
                            }, cancellationToken);
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }, cancellationToken));
                }
            }

            clients.AddRange(await Task.WhenAll(joining));
        }

        // the joins' own statuses are done with before measuring
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        // the load runs through the warm-up (JIT tiering, pools growing) unmeasured, then the measured window
        var started = Stopwatch.GetTimestamp();
        var cpuBefore = 0.0;
        var writtenBefore = 0L;
        var measured = 0L;
        var redisBefore = (OutputBytes: 0L, CpuSeconds: 0.0);
        long acknowledged = 0;
        var measure = Task.Run(async () =>
        {
            await Task.Delay(warmup, cancellationToken);
            if (redis is not null)
            {
                redisBefore = await redis.SampleAsync(cancellationToken);
            }

            // the window's start, its CPU and its bytes at one moment (the sample of Redis above may have waited for a thread)
            cpuBefore = probe.CpuSeconds();
            writtenBefore = probe.WrittenBytes();
            measured = Stopwatch.GetTimestamp();
            Volatile.Write(ref measuring, true);
        }, cancellationToken);
        long errors = 0;
        var interval = TimeSpan.FromSeconds(1 / rate);
        await Task.WhenAll(clients.Select(client => Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * interval.TotalMilliseconds), cancellationToken);
            var audio = true;
            while (Stopwatch.GetElapsedTime(started) < warmup + duration)
            {
                var sent = Stopwatch.GetTimestamp();
                var counted = Volatile.Read(ref measuring);
                audio = !audio;
                try
                {
                    var version = await client.SetMediaAsync(audio, true, cancellationToken);
                    if (counted)
                    {
                        sends[(client.RoomId, version)] = sent;
                        Interlocked.Increment(ref acknowledged);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                }

                var left = interval - Stopwatch.GetElapsedTime(sent);
                if (left > TimeSpan.Zero)
                {
                    await Task.Delay(left, cancellationToken);
                }
            }
        }, cancellationToken)));
        await measure;
        var elapsed = Stopwatch.GetElapsedTime(measured).TotalSeconds;
        var cpu = probe.CpuSeconds() - cpuBefore;
        var written = probe.WrittenBytes() - writtenBefore;
        var redisAfter = redis is null ? redisBefore : await redis.SampleAsync(cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        Volatile.Write(ref measuring, false);

        var latencies = new Latencies();
        long delivered = 0;
        foreach (var receipt in receipts)
        {
            if (sends.TryGetValue((receipt.RoomId, receipt.Version), out var sent))
            {
                latencies.Record(sent, receipt.At);
                delivered++;
            }
        }

        var rss = probe.RssBytes();
        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        return new BenchResult
        {
            Target = target.Kind,
            Scenario = "fanout",
            Load = $"{rooms} rooms x {participants}, {rate:0.##} calls/s each",
            OfferedRate = rooms * participants * rate * participants,
            Seconds = elapsed,
            DeliveriesPerSecond = delivered / elapsed,
            P50Ms = latencies.PercentileMs(50),
            P99Ms = latencies.PercentileMs(99),
            P999Ms = latencies.PercentileMs(99.9),
            ServerCpuSeconds = cpu,
            ServerRssBytes = rss,
            DeliveriesPerCpuSecond = cpu > 0 ? delivered / cpu : 0,
            Errors = errors,
            Count = delivered,
            // what the server wrote per delivery, its Redis traffic included (the same for every client protocol)
            BytesPerUnit = delivered > 0 ? written / (double)delivered : 0,
            Changes = acknowledged,
            RedisBytesPerChange = acknowledged > 0 ? (redisAfter.OutputBytes - redisBefore.OutputBytes) / (double)acknowledged : 0,
            RedisCpuMsPerChange = acknowledged > 0 ? (redisAfter.CpuSeconds - redisBefore.CpuSeconds) * 1000 / acknowledged : 0,
        };
    }
}
