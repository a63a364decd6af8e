extern alias loadgen;

using CallServer.Tests.Infrastructure;
using loadgen::LoadGen.Clients;
using loadgen::LoadGen.Net;

namespace CallServer.Tests.Bench;

/// <summary>A few rooms for a few seconds through the benchmark's load generator, so that it keeps building and measuring.</summary>
[Collection(RedisCollection.Name)]
public sealed class LoadGenSmokeTests(RedisServer redis)
{
    [Fact]
    public async Task FanoutScenarioMeasuresDeliveriesAndLatenciesAgainstCallServer()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        var target = new BenchTarget("callserver", [app.BaseAddress], new SourceAddresses(2));

        var result = await loadgen::LoadGen.Scenarios.Fanout.RunAsync(
            target, new ServerProbe(Environment.ProcessId), new RedisProbe(redis.ConnectionString), rooms: 3, participants: 3, rate: 4, TimeSpan.FromSeconds(2), warmup: TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(0, result.Errors);
        // 3 rooms x 3 participants x 4 calls/s, each status to 3 clients: about 108 deliveries/s
        Assert.InRange(result.DeliveriesPerSecond, 40, 200);
        Assert.True(result.P50Ms > 0 && result.P99Ms >= result.P50Ms);
        Assert.True(result.ServerCpuSeconds > 0);
        // every change acknowledged while measuring, and what Redis sent for each (the write's answer, the status to the relay)
        Assert.InRange(result.Changes, 10, 100);
        Assert.True(result.RedisBytesPerChange > 100, $"{result.RedisBytesPerChange} bytes per change");
    }
}
