using System.Diagnostics;
using System.Net;
using LoadGen.Clients;
using LoadGen.Net;
using LoadGen.Report;

namespace LoadGen.Scenarios;

/// <summary>
/// K live rooms (one participant each, C of them connected with automatic reconnect); the server is killed with SIGKILL and
/// started again by the same command. Measures, from the new start, when every room answers with its state and when every
/// client is connected again.
/// </summary>
internal static class Restart
{
    public static async Task<(BenchResult Result, int NewPid)> RunAsync(
        BenchTarget target, ServerProbe probe, string adminKey, int rooms, int connected, string serverCommand, CancellationToken cancellationToken)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var ids = Enumerable.Range(0, rooms).Select(r => $"r{run}-{r}").ToList();
        var joined = new (string ParticipantId, string Token)[rooms];
        await Parallel.ForEachAsync(Enumerable.Range(0, rooms), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            using var http = target.Http();
            joined[i] = await HubBenchClient.JoinAsync(http, ids[i], "resident", ct);
        });
        var clients = new HubBenchClient[Math.Min(connected, rooms)];
        var back = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, clients.Length), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            clients[i] = await HubBenchClient.ConnectAsync(target.Server, target.Addresses.Next(), ids[i], joined[i].ParticipantId, joined[i].Token, null, reconnect: true, ct);
            clients[i].Connection.Reconnected += _ =>
            {
                Interlocked.Increment(ref back);
                return Task.CompletedTask;
            };
        });

        Process.GetProcessById(probe.Pid).Kill();
        await Process.GetProcessById(probe.Pid).WaitForExitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        var started = Stopwatch.GetTimestamp();
        var server = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", $"exec {serverCommand}"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();

        // every room answers with its state
        var answered = new bool[rooms];
        using var admin = target.Http(adminKey);
        while (answered.Any(a => !a) && Stopwatch.GetElapsedTime(started) < TimeSpan.FromMinutes(3))
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, rooms).Where(i => !answered[i]), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                try
                {
                    using var response = await admin.GetAsync($"/rooms/{ids[i]}", ct);
                    answered[i] = response.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
            });
            if (answered.Any(a => !a))
            {
                await Task.Delay(20, cancellationToken);
            }
        }

        var roomsBack = Stopwatch.GetElapsedTime(started);
        while (Volatile.Read(ref back) < clients.Length && Stopwatch.GetElapsedTime(started) < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(20, cancellationToken);
        }

        var clientsBack = Stopwatch.GetElapsedTime(started);
        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        return (new BenchResult
        {
            Target = target.Kind,
            Scenario = "restart",
            Load = $"{rooms} live rooms, {clients.Length} connected clients, kill -9 and start",
            Count = rooms,
            P50Ms = roomsBack.TotalMilliseconds,
            P99Ms = clientsBack.TotalMilliseconds,
            Errors = answered.Count(a => !a) + (clients.Length - Volatile.Read(ref back)),
            ServerRssBytes = new ServerProbe(server.Id).RssBytes(),
        }, server.Id);
    }
}
