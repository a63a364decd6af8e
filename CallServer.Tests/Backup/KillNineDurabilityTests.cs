using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CallServer.Api;
using CallServer.Backup;
using CallServer.Domain.Rooms;
using CallServer.History;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace CallServer.Tests.Backup;

/// <summary>
/// Kills the store's process with SIGKILL right after (or in the middle of) a burst of changes: joins, connects, media changes,
/// dropped connections, leaves, and the history writer moving its batches. After every restart: every acknowledged version is
/// in the state, no version was acknowledged twice, and the history of every call is contiguous and complete. Many rounds over
/// one data dir, because a kill lands at the worst moment only now and then.
/// </summary>
[Collection(KillRoundsCollection.Name)]
public sealed class KillNineDurabilityTests(ITestOutputHelper output)
{
    private static readonly string[] Rooms = ["kill-a", "kill-b", "kill-c"];

    /// <summary>Rounds of the embedded store's test; <c>CALLSERVER_KILL_ROUNDS</c> sets another count for a longer run by hand.</summary>
    private static int EmbeddedRounds =>
        int.TryParse(Environment.GetEnvironmentVariable("CALLSERVER_KILL_ROUNDS"), CultureInfo.InvariantCulture, out var n) ? n : 50;

    [Fact]
    public async Task TheEmbeddedStoreKeepsEveryWriteWholeThroughFiftyKills()
    {
        using var data = new TempDir();
        var redisPort = FreePort.Next();
        // the test reads the store between kills: it sets the password the embedded store otherwise draws per process
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var target = new Target(
            Settings(data.Path, new()
            {
                ["Storage:EmbeddedRedisPort"] = redisPort.ToString(CultureInfo.InvariantCulture),
                ["Storage:EmbeddedRedisPassword"] = password,
            }),
            $"127.0.0.1:{redisPort},password={password}",
            StartStore: () => Task.CompletedTask,
            KillStore: () => Task.CompletedTask);
        await RunAsync(target, EmbeddedRounds);
    }

    [Theory]
    [InlineData("always")]
    [InlineData("everysec")]
    public async Task ARedisServerKilledWithTheServerKeepsEveryWriteWhole(string appendFsync)
    {
        using var data = new TempDir();
        var redis = RedisServer.With("--appendfsync", appendFsync);
        try
        {
            var target = new Target(
                Settings(data.Path, new() { ["ConnectionStrings:Redis"] = redis.ConnectionString }),
                redis.ConnectionString,
                StartStore: () => redis.StartAsync(),
                KillStore: redis.StopAsync);
            await RunAsync(target, rounds: 15);
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }

    private static Dictionary<string, string> Settings(string dataDir, Dictionary<string, string> store)
    {
        var settings = new Dictionary<string, string>
        {
            ["Storage:DataDir"] = dataDir,
            ["Auth:AdminKey"] = CallServerApplication.AdminKey,
            ["Logging:LogLevel:Default"] = "Warning",
            // the killed instance's writer lease runs out while the next one starts
            ["History:LeaseSeconds"] = "2",
            // dropped connections time out within a round or across a restart: more events, some decided by a deadline
            ["Rooms:ReconnectGraceSeconds"] = "1",
            ["Rooms:MaxParticipants"] = "256",
        };
        foreach (var (key, value) in store)
        {
            settings[key] = value;
        }

        return settings;
    }

    private async Task RunAsync(Target target, int rounds)
    {
        var ledger = new KillRoundLedger();
        var failedRounds = new List<string>();
        await target.StartStore();
        for (var round = 0; round <= rounds; round++)
        {
            var server = await ServerProcess.StartAsync(target.Settings);
            try
            {
                await using var redis = await ConnectionMultiplexer.ConnectAsync(target.Redis);
                if (round > 0)
                {
                    var problems = await CheckAsync(server, redis.GetDatabase(), ledger);
                    if (problems.Count > 0)
                    {
                        failedRounds.Add($"after kill {round}: {string.Join("; ", problems.Take(6))}{(problems.Count > 6 ? $" (and {problems.Count - 6} more)" : "")}");
                    }
                }

                if (round == rounds)
                {
                    break;
                }

                // kill after the k-th acknowledgement of the burst, k moving from the first to past the last over the rounds
                var killAfter = 1 + (round % (Rooms.Length * KillRoundBurst.Acknowledgements + 1));
                var bursts = Rooms.Select(room => new KillRoundBurst(server.Address, room, round, ledger).RunAsync()).ToList();
                await ledger.WaitForAsync(killAfter, Task.WhenAll(bursts));
                ledger.Killing = true;
                await server.KillAsync();
                await target.KillStore();
                await Task.WhenAll(bursts);
                ledger.Killing = false;
                await target.StartStore();
            }
            catch
            {
                output.WriteLine(server.Output);
                throw;
            }
            finally
            {
                server.Dispose();
            }
        }

        output.WriteLine($"{rounds} kills, {ledger.Count} acknowledged changes, {failedRounds.Count} rounds with a loss");
        Assert.True(failedRounds.Count == 0, $"{failedRounds.Count} of {rounds} kills lost or doubled a write:\n{string.Join('\n', failedRounds)}");
    }

    /// <summary>What a restarted server must show: every acknowledged version, every call's history whole.</summary>
    private static async Task<List<string>> CheckAsync(ServerProcess server, IDatabase redis, KillRoundLedger ledger)
    {
        var problems = new List<string>(ledger.TakeProblems());
        var keys = new RedisKeys("cs:");
        var current = new Dictionary<string, RoomState>();
        foreach (var room in Rooms)
        {
            var stored = await redis.HashGetAsync(keys.Room(room), "s");
            if (stored.IsNull)
            {
                problems.Add($"{room}: no backup");
                continue;
            }

            var state = JsonSerializer.Deserialize((byte[])stored!, BackupJson.Default.RoomState)!;
            current[room] = state;
            if (ledger.HighestVersion(room) is { } acknowledged && state.Version < acknowledged)
            {
                problems.Add($"{room}: version {acknowledged} was acknowledged, the backup holds {state.Version}");
                // reported once: the next round counts only its own losses
                ledger.Forget(room, after: state.Version);
            }
        }

        // every event written before the kill reaches the history once the (new) writer has the lease
        await Eventually.TrueAsync(
            async () => await redis.ListLengthAsync(keys.HistoryQueue) + await redis.ListLengthAsync(keys.HistoryInFlight) == 0,
            "the history queue drained", TimeSpan.FromSeconds(30));

        foreach (var dead in await redis.ListRangeAsync(keys.HistoryDeadLetters))
        {
            if (ledger.FirstReportOf(dead!))
            {
                problems.Add($"a dead letter: {dead}");
            }
        }

        using var admin = new HttpClient { BaseAddress = server.Address };
        admin.DefaultRequestHeaders.Add("X-Api-Key", CallServerApplication.AdminKey);
        var calls = ledger.TakeCalls().Concat(current.Values.Where(s => s.CallId is not null).Select(s => s.CallId!)).Distinct();
        foreach (var callId in calls)
        {
            using var response = await admin.GetAsync($"/calls/{callId}");
            if (!response.IsSuccessStatusCode)
            {
                problems.Add($"call {callId}: {(int)response.StatusCode} from the history");
                continue;
            }

            var call = (await response.Content.ReadFromJsonAsync<CallDetails>())!;
            var seqs = call.Events.Select(e => e.Seq).ToList();
            // a call's gap is reported once: later rounds report only their own
            var atEvent = current.Values.FirstOrDefault(s => s.CallId == callId)?.EventSeq ?? 0;
            if ((!seqs.SequenceEqual(Enumerable.Range(1, seqs.Count).Select(i => (long)i)) || seqs.Count < atEvent) && ledger.FirstReportOf(callId))
            {
                problems.Add($"call {callId}: the room is at event {atEvent}, the history has {string.Join(',', call.Events.Select(e => $"{e.Seq}:{e.Type}").TakeLast(6))}");
            }

            foreach (var joined in ledger.TakeJoinsOf(callId))
            {
                if (!call.Events.Any(e => e.Type == RoomEventTypes.ParticipantJoined && e.ParticipantId == joined))
                {
                    problems.Add($"call {callId}: the acknowledged join of {joined} is not in the history");
                }
            }
        }

        return problems;
    }

    private sealed record Target(Dictionary<string, string> Settings, string Redis, Func<Task> StartStore, Func<Task> KillStore);

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("callserver-kill9-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
