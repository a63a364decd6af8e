using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CallServer.Api;
using CallServer.Backup;
using CallServer.History;
using CallServer.Rooms;
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
        var target = new Target(
            Settings(data.Path, new() { ["Storage:EmbeddedRedisPort"] = redisPort.ToString(CultureInfo.InvariantCulture) }),
            $"127.0.0.1:{redisPort}",
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
        var ledger = new Ledger();
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
                var killAfter = 1 + (round % (Rooms.Length * Burst.Acknowledgements + 1));
                var bursts = Rooms.Select(room => new Burst(server.Address, room, round, ledger).RunAsync()).ToList();
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
    private static async Task<List<string>> CheckAsync(ServerProcess server, IDatabase redis, Ledger ledger)
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

    /// <summary>Every acknowledged change: the room's version it answered, its call and, for a join, its participant.</summary>
    private sealed class Ledger
    {
        private readonly ConcurrentDictionary<(string Room, long Version), bool> _acknowledged = new();
        private readonly ConcurrentQueue<string> _problems = new();
        private readonly ConcurrentDictionary<string, ConcurrentBag<string>> _joins = new();
        private readonly ConcurrentDictionary<string, bool> _calls = new();
        private readonly ConcurrentDictionary<string, bool> _reported = new();
        private int _count;
        private bool _killing;

        public int Count => _count;

        /// <summary>Set just before the kill: a call that fails after it was cut off by the kill.</summary>
        public bool Killing
        {
            get => Volatile.Read(ref _killing);
            set => Volatile.Write(ref _killing, value);
        }

        /// <summary>A call of a burst failed while the server was up: a fault of its own, reported like a loss.</summary>
        public void Failed(string room, Exception error) => _problems.Enqueue($"{room}: {error.GetType().Name} before the kill: {error.Message}");

        public void Acknowledged(string room, RoomStatus status, string? joined = null)
        {
            if (!_acknowledged.TryAdd((room, status.Version), true))
            {
                _problems.Enqueue($"{room}: version {status.Version} acknowledged twice");
            }

            if (status.CallId is { } callId)
            {
                _calls[callId] = true;
                if (joined is not null)
                {
                    _joins.GetOrAdd(callId, _ => []).Add(joined);
                }
            }

            Interlocked.Increment(ref _count);
        }

        public long? HighestVersion(string room) =>
            _acknowledged.Keys.Where(k => k.Room == room).Select(k => (long?)k.Version).Max();

        /// <summary>True the first time a problem of a call is reported: a later round reports only its own.</summary>
        public bool FirstReportOf(string problem) => _reported.TryAdd(problem, true);

        public void Forget(string room, long after)
        {
            foreach (var key in _acknowledged.Keys.Where(k => k.Room == room && k.Version > after))
            {
                _acknowledged.TryRemove(key, out _);
            }
        }

        /// <summary>The participants whose join in the call was acknowledged since the last check.</summary>
        public IEnumerable<string> TakeJoinsOf(string callId) => _joins.TryRemove(callId, out var joins) ? joins : [];

        public IEnumerable<string> TakeProblems()
        {
            while (_problems.TryDequeue(out var problem))
            {
                yield return problem;
            }
        }

        /// <summary>The calls acknowledged since the last check (an earlier call's history was checked then).</summary>
        public List<string> TakeCalls()
        {
            var calls = _calls.Keys.ToList();
            _calls.Clear();
            return calls;
        }

        /// <summary>Waits until <paramref name="count"/> more changes are acknowledged, or the bursts end.</summary>
        public async Task WaitForAsync(int count, Task bursts)
        {
            var target = _count + count;
            await Eventually.TrueAsync(() => Task.FromResult(_count >= target || bursts.IsCompleted), $"{count} acknowledged changes");
        }
    }

    /// <summary>
    /// One room's share of a round: two joins, a connect and a media change, the connection dropped (its participant
    /// reconnecting, then timed out), a leave. A call the kill cuts off is not acknowledged, and is not counted.
    /// </summary>
    private sealed class Burst(Uri address, string room, int round, Ledger ledger)
    {
        public const int Acknowledgements = 4;

        public async Task RunAsync()
        {
            try
            {
                using var http = new HttpClient { BaseAddress = address };
                var ann = await JoinAsync(http, $"Ann {round}");
                var bob = await JoinAsync(http, $"Bob {round}");
                await using (var hub = new HubConnectionBuilder()
                    .WithUrl(new Uri(address, "/hubs/room"), o =>
                    {
                        o.AccessTokenProvider = () => Task.FromResult<string?>(ann.Token);
                        o.Transports = HttpTransportType.WebSockets;
                        o.SkipNegotiation = true;
                    })
                    .Build())
                {
                    await hub.StartAsync();
                    ledger.Acknowledged(room, await hub.InvokeAsync<RoomStatus>("SetMedia", round % 2 == 0, true));
                }

                using var leave = new HttpRequestMessage(HttpMethod.Post, $"/rooms/{room}/leave");
                leave.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bob.Token);
                using var left = await http.SendAsync(leave);
                left.EnsureSuccessStatusCode();
                ledger.Acknowledged(room, (await left.Content.ReadFromJsonAsync<RoomStatus>())!);
            }
            catch (Exception e)
            {
                // a call the kill cut off was not acknowledged; one that failed before the kill is a fault
                if (!ledger.Killing)
                {
                    ledger.Failed(room, e);
                }
            }
        }

        private async Task<JoinResponse> JoinAsync(HttpClient http, string name)
        {
            using var response = await http.PostAsJsonAsync($"/rooms/{room}/join", new { displayName = name });
            response.EnsureSuccessStatusCode();
            var joined = (await response.Content.ReadFromJsonAsync<JoinResponse>())!;
            ledger.Acknowledged(room, joined.Room, joined.ParticipantId);
            return joined;
        }
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("callserver-kill9-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
