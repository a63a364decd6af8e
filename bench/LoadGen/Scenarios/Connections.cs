using LoadGen.Clients;
using LoadGen.Net;
using LoadGen.Report;

namespace LoadGen.Scenarios;

/// <summary>Server memory per idle authenticated connection (ramped to N), and per live room with no traffic.</summary>
internal static class Connections
{
    public static async Task<BenchResult> ConnectionsAsync(BenchTarget target, ServerProbe probe, int count, CancellationToken cancellationToken)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        // warmed up first, so that the delta is what connections cost, not the code paths they load the first time
        var warm = await Task.WhenAll(Enumerable.Range(0, WarmUp(count)).Select(i => target.JoinAndConnectAsync($"w{run}-{i / 16}", $"w{i}", null, cancellationToken)));
        await Settle();
        var before = probe.RssBytes();
        var clients = new IBenchClient[count];
        long errors = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            try
            {
                clients[i] = await target.JoinAndConnectAsync($"n{run}-{i / 16}", $"c{i}", null, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Increment(ref errors);
            }
        });
        await Settle();
        var after = probe.RssBytes();
        await Task.WhenAll(clients.Where(c => c is not null).Concat(warm).Select(c => c.DisposeAsync().AsTask()));
        return new BenchResult
        {
            Target = target.Kind,
            Scenario = "connections",
            Load = $"{count} idle connections (rooms of 16)",
            Count = count - errors,
            ServerRssBytes = after,
            BytesPerUnit = (after - before) / (double)Math.Max(1, count - errors),
            Errors = errors,
        };
    }

    /// <summary>
    /// The growth of the server's memory from <paramref name="count"/> more live rooms left idle. A first burst of as many rooms,
    /// also left idle, comes before the reading it is measured from: the heap has then grown for the join traffic itself, and
    /// what is left is what the rooms hold.
    /// </summary>
    /// <param name="idle">How long the rooms stay idle before the server's memory is read (CallServer hibernates idle rooms).</param>
    public static async Task<BenchResult> IdleRoomsAsync(BenchTarget target, ServerProbe probe, int count, TimeSpan idle, CancellationToken cancellationToken)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        await JoinRoomsAsync(target, $"w{run}", count, cancellationToken);
        await Task.Delay(idle, cancellationToken);
        await Settle();
        var before = probe.RssBytes();
        await JoinRoomsAsync(target, $"i{run}", count, cancellationToken);
        await Task.Delay(idle, cancellationToken);
        await Settle();
        var after = probe.RssBytes();
        return new BenchResult
        {
            Target = target.Kind,
            Scenario = "idle-rooms",
            Load = $"{count} live rooms, one participant each, no traffic for {idle.TotalSeconds:0} s",
            Count = count,
            ServerRssBytes = after,
            BytesPerUnit = (after - before) / (double)count,
        };
    }

    private static int WarmUp(int count) => Math.Min(500, Math.Max(1, count / 10));

    private static Task JoinRoomsAsync(BenchTarget target, string prefix, int count, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            using var http = target.Http();
            await HubBenchClient.JoinAsync(http, $"{prefix}-{i}", "idle", ct);
        });

    /// <summary>Lets the server's GC settle so that RSS says what is held, not what is in flight.</summary>
    private static Task Settle() => Task.Delay(TimeSpan.FromSeconds(3));
}
