using CallServer.Backup;
using CallServer.Domain.Backup;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CallServer.Tests.Backup;

/// <summary>The one definition of "the backup store is unavailable", and the liveness rule that follows an outage.</summary>
public sealed class StoreFailuresTests
{
    public static TheoryData<RedisErrorKind, string> TransientServerErrors => new()
    {
        { RedisErrorKind.Loading, "LOADING Redis is loading the dataset in memory" },
        { RedisErrorKind.Busy, "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE." },
        { RedisErrorKind.ReadOnly, "READONLY You can't write against a read only replica." },
        { RedisErrorKind.MasterDown, "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'." },
        { RedisErrorKind.NoReplicas, "NOREPLICAS Not enough good replicas to write." },
        { RedisErrorKind.OutOfMemory, "OOM command not allowed when used memory > 'maxmemory'." },
        { RedisErrorKind.UnknownError, "ERR Error running script (call to f_0123): @user_script:5: -READONLY You can't write against a read only replica." },
    };

    [Theory]
    [MemberData(nameof(TransientServerErrors))]
    public void ServerErrorsThatMeanNotNowAreUnavailable(RedisErrorKind kind, string message) =>
        Assert.True(StoreFailures.IsUnavailable(new RedisServerException(kind, CommandFlags.None, message)));

    [Fact]
    public void LostConnectionsTimeoutsAndADisposedMultiplexerAreUnavailable()
    {
        Assert.True(StoreFailures.IsUnavailable(new RedisConnectionException(ConnectionFailureType.SocketClosed, CommandFlags.None, "closed", null, CommandStatus.Sent)));
        Assert.True(StoreFailures.IsUnavailable(new RedisTimeoutException(CommandFlags.None, "Timeout awaiting response", CommandStatus.Sent)));
        Assert.True(StoreFailures.IsUnavailable(new TimeoutException()));
        Assert.True(StoreFailures.IsUnavailable(new ObjectDisposedException("ConnectionMultiplexer")));
        Assert.True(StoreFailures.IsUnavailable(new StoreUnavailableException("Only 0 of 1 Redis replicas confirmed the change within 500 ms.")));
    }

    [Fact]
    public void ErrorsThatRetryingCannotCureAreNotUnavailable()
    {
        Assert.False(StoreFailures.IsUnavailable(new RedisServerException(RedisErrorKind.WrongType, CommandFlags.None, "WRONGTYPE Operation against a key holding the wrong kind of value")));
        Assert.False(StoreFailures.IsUnavailable(new RedisServerException(RedisErrorKind.UnknownError, CommandFlags.None, "ERR Error running script: attempt to compare nil with number")));
        Assert.False(StoreFailures.IsUnavailable(new RedisCommandException("This operation is not available unless admin mode is enabled: CONFIG")));
        Assert.False(StoreFailures.IsUnavailable(new InvalidOperationException("a bug")));
    }

    [Fact]
    public void AfterAFailedHeartbeatNoInstanceIsJudgedDeadUntilOthersHadAFullTtlToRenew()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var ttl = TimeSpan.FromSeconds(10);
        var liveness = new InstanceLiveness(time, ttl);
        liveness.BeatSucceeded();
        Assert.True(liveness.JudgeFrom <= time.GetUtcNow(), "a store that always answered: judge at once");

        liveness.BeatFailed();
        Assert.Equal(DateTimeOffset.MaxValue, liveness.JudgeFrom);
        time.Advance(TimeSpan.FromSeconds(12));
        liveness.BeatSucceeded();

        Assert.Equal(time.GetUtcNow() + ttl, liveness.JudgeFrom);
        time.Advance(TimeSpan.FromSeconds(3));
        liveness.BeatSucceeded();
        Assert.Equal(time.GetUtcNow() - TimeSpan.FromSeconds(3) + ttl, liveness.JudgeFrom);
    }
}
