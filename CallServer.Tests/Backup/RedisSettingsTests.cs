using CallServer.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace CallServer.Tests.Backup;

/// <summary>What the server says about how Redis is set up: at start-up, before anything can go wrong.</summary>
public sealed class RedisSettingsTests
{
    [Fact]
    public void ReplicaAcknowledgementWithTheEmbeddedStoreStopsTheStartWithAClearMessage()
    {
        using var app = new CallServerApplication(null, settings: new Dictionary<string, string?> { ["Redis:AckReplicas"] = "1" });

        var error = Assert.ThrowsAny<Exception>(() => app.Start());

        Assert.Contains("Redis:AckReplicas needs ConnectionStrings:Redis", error.ToString());
    }

    [Fact]
    public async Task ARedisThatMayEvictKeysIsWarnedAboutAtStartUp()
    {
        var redis = RedisServer.With("--maxmemory-policy", "allkeys-lru");
        await redis.InitializeAsync();
        var logs = new CapturedLogs();
        var app = new CallServerApplication(redis.ConnectionString, logs: logs).Start();
        try
        {
            var warning = await Eventually.ValueAsync(
                () => Task.FromResult(logs.Lines.FirstOrDefault(l => l.Message.Contains("maxmemory-policy is allkeys-lru", StringComparison.Ordinal))),
                l => l.Message is not null, "the eviction warning");

            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Contains("noeviction", warning.Message);
        }
        finally
        {
            await app.DisposeBeforeAsync(redis.DisposeAsync);
        }
    }
}
