using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CallServer.Tests.Backup;

/// <summary>
/// A Sentinel failover under SetMedia load, as it goes wrong in production: the replica falls behind (its link cut for 3 s),
/// then the master is killed with SIGKILL; the sentinels promote the replica and the server follows it.
/// Each test has a cluster of its own, since it kills the master.
/// </summary>
public sealed class SentinelFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SentinelCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task WithOneReplicaAcknowledgingNoAcknowledgedChangeIsLostInAFailover()
    {
        var (ops, lost) = await FailOverUnderLoadAsync(ackReplicas: 1);

        Assert.Empty(lost);
        Assert.Contains(ops, o => o.Acked is null);
        // every answer within the documented bound, the failover too: Redis:TimeoutMs (1 s here) + Redis:AckReplicasTimeoutMs
        // (0.5 s) + 2 s, as the server counts it; the client, in the same process as the rest of the suite's parallel tests,
        // sees it up to 1.5 s later (a full-suite run measured 4.55 s once, alone it is about 2 s; unbounded, a failover's
        // queued changes wait for the promotion)
        var slowest = ops.Max(o => o.Took);
        output.WriteLine($"slowest answer {slowest.TotalSeconds:F2} s");
        Assert.True(slowest <= TimeSpan.FromSeconds(1 + 0.5 + 2 + 1.5), $"the slowest answer took {slowest.TotalSeconds:F2} s");
    }

    [Fact]
    public async Task WithoutReplicaAcknowledgementTheServerFollowsTheNewMasterAndReportsWhatWasLost()
    {
        var (ops, lost) = await FailOverUnderLoadAsync(ackReplicas: 0);

        // without WAIT the master acknowledges what the replica never received: the count is reported, not bounded
        output.WriteLine($"AckReplicas=0: {lost.Count} acknowledged changes lost of {ops.Count(o => o.Acked is not null)} acknowledged");
        Assert.Contains(ops, o => o.Acked is not null);
    }

    private async Task<(IReadOnlyList<MediaOp> Ops, IReadOnlyList<string> Lost)> FailOverUnderLoadAsync(int ackReplicas)
    {
        using var app = new CallServerApplication(_cluster.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Redis:AckReplicas"] = ackReplicas.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Redis:TimeoutMs"] = "1000",
        }).Start();
        using (var http = app.CreateClient())
        {
            // through the sentinels, the server finds the master a moment after it started
            await Eventually.TrueAsync(async () => (await http.GetAsync("/health/ready")).IsSuccessStatusCode, "the server ready");
        }

        var rooms = Enumerable.Range(0, 4).Select(i => $"failover-{i}-" + Guid.NewGuid().ToString("N")[..6]).ToList();
        var clients = new List<HubClient>();
        var roomOf = new Dictionary<string, string>();
        foreach (var room in rooms)
        {
            foreach (var name in new[] { "Ann", "Bob" })
            {
                // as a client does, a join answered 503 (a replica slow to confirm under the parallel test load) is tried again
                var joined = await Eventually.ValueAsync(() => app.JoinAsync(room, name), j => j is not null, $"{name} joined {room}");
                var hub = await app.ConnectAsync(joined);
                clients.Add(hub);
                roomOf[hub.ParticipantId] = room;
            }
        }

        var load = new MediaLoad(clients).Start(c => roomOf[c.ParticipantId]);
        try
        {
            await load.WaitForAcknowledgedAsync(TimeSpan.Zero, "changes acknowledged before the fault");
            await _cluster.CutReplicationAsync();
            var cutAt = load.Now;
            await Eventually.TrueAsync(() => Task.FromResult(load.Now - cutAt >= TimeSpan.FromSeconds(3)), "3 s of load with the replica behind");
            await _cluster.Master.StopAsync();
            await _cluster.RestoreReplicationAsync();
            var killedAt = load.Now;
            output.WriteLine($"cut at {cutAt.TotalSeconds:F2}, master killed at {killedAt.TotalSeconds:F2}");

            await _cluster.WaitForPromotionAsync();
            output.WriteLine($"promoted at {load.Now.TotalSeconds:F2}");
            // with AckReplicas=1 the new master takes no change until a replica holds it again: the old master comes back as one
            await _cluster.RejoinOldMasterAsync();
            output.WriteLine($"old master back at {load.Now.TotalSeconds:F2}");
            await load.WaitForAcknowledgedAsync(killedAt, "changes acknowledged by the new master");
            output.WriteLine($"acknowledged again at {load.Now.TotalSeconds:F2}");
        }
        finally
        {
            await load.StopAsync();
        }

        var finals = new Dictionary<string, RoomStatus>();
        foreach (var room in rooms)
        {
            // without replica acknowledgement a failover may lose a room whole (created after what the replica got): it is not
            // live any more, and every change acknowledged in it is counted lost
            finals[room] = await Eventually.ValueAsync(
                async () => ackReplicas == 0 && await app.Admin().GetAsync($"/rooms/{room}") is { StatusCode: System.Net.HttpStatusCode.NotFound }
                    ? RoomStatus.From(RoomState.Empty(room))
                    : await app.StatusAsync(room),
                s => s is not null, $"the final status of {room}");
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        var ops = load.Ops;
        var lost = LostAcknowledgements.Find(ops, finals);
        output.WriteLine($"AckReplicas={ackReplicas}: {ops.Count} calls, {ops.Count(o => o.Acked is not null)} acknowledged, {lost.Count} acknowledged changes lost");
        foreach (var line in lost.Take(20))
        {
            output.WriteLine(line);
        }

        return (ops, lost);
    }
}
