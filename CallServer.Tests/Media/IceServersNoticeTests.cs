using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Media;

/// <summary>Mesh mode without ICE servers is a loud default: calls across NATs would fail without a word.</summary>
[Collection(RedisCollection.Name)]
public sealed class IceServersNoticeTests(RedisServer redis)
{
    [Fact]
    public async Task MeshModeWithoutIceServersWarnsAtStartUpAndWithOneItDoesNot()
    {
        var bare = new CapturedLogs();
        var withStun = new CapturedLogs();
        using var app = new CallServerApplication(redis.ConnectionString, logs: bare).Start();
        using var configured = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Media:IceServers:0:Urls:0"] = "stun:127.0.0.1:3478",
        }, logs: withStun).Start();
        // both have started (the notices run before the first request is served)
        await app.JoinAsync("ice-" + Guid.NewGuid().ToString("N")[..8], "Ann");
        await configured.JoinAsync("ice-" + Guid.NewGuid().ToString("N")[..8], "Ann");

        var warning = Assert.Single(bare.Lines, l => l.Message.Contains("no Media:IceServers", StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("--Media:IceServers:0:Urls:0=stun:", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(withStun.Lines, l => l.Message.Contains("no Media:IceServers", StringComparison.Ordinal));
    }
}
