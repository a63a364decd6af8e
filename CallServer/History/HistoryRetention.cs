using CallServer.Backup;
using CallServer.Domain.Backup;
using CallServer.Domain.Supervision;
using Dapper;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallServer.History;

/// <summary>
/// Removes calls that ended more than <c>History:RetentionDays</c> ago, with their events, participants and users' rows: at
/// start and every hour, by the one instance that holds its lease, a hundred calls per transaction with a pause between, so
/// that the history writer (which writes in its own transactions) is never held up for long. Supervised.
/// </summary>
internal sealed class HistoryRetention(
    HistoryDialect dialect,
    HistoryMigrator migrator,
    IConnectionMultiplexer redis,
    RedisKeys keys,
    InstanceIdentity instance,
    IOptions<HistoryOptions> options,
    TimeProvider time,
    ILogger<HistoryRetention> logger) : ISupervisedService, ILeaderJob
{
    /// <summary>Calls removed per transaction.</summary>
    internal const int BatchSize = 100;

    private static readonly TimeSpan Every = TimeSpan.FromHours(1);
    private static readonly TimeSpan BetweenBatches = TimeSpan.FromMilliseconds(100);

    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;
    private long _removed;

    public Task RunAsync(CancellationToken stopping) => new LeaderLoop(this, new WakeSignal(), time).RunAsync(stopping);

    public TimeSpan Lease => TimeSpan.FromMinutes(1);

    public async Task<bool> HoldLeaseAsync(CancellationToken stopping)
    {
        // the tables may not be there yet on a fresh database (the writer migrates too; both take the migration lock)
        if (_nextSweep == DateTimeOffset.MinValue)
        {
            await migrator.RunAsync(stopping);
            _nextSweep = time.GetUtcNow();
        }

        return await redis.GetDatabase().HoldAsync(keys.HistoryRetentionLease, instance, Lease);
    }

    public async Task<LeaderRound> RoundAsync(CancellationToken stopping)
    {
        var now = time.GetUtcNow();
        if (now < _nextSweep)
        {
            return new LeaderRound(Min(_nextSweep - now, Lease / 3));
        }

        var cutoff = now.AddDays(-options.Value.RetentionDays);
        var removed = await RemoveBatchAsync(cutoff, stopping);
        _removed += removed;
        if (removed == BatchSize)
        {
            return new LeaderRound(BetweenBatches);
        }

        if (_removed > 0)
        {
            HistoryLog.RetentionRemoved(logger, _removed, cutoff);
        }

        _removed = 0;
        _nextSweep = now + Every;
        return new LeaderRound(Lease / 3);
    }

    public Task StepDownAsync() => Task.CompletedTask;

    public Task<TimeSpan?> FailedAsync(Exception failure, TimeSpan previousDelay)
    {
        if (!dialect.IsUnavailable(failure) && !StoreFailures.IsUnavailable(failure) && failure is not Npgsql.PostgresException)
        {
            return Task.FromResult<TimeSpan?>(null);
        }

        var delay = RetryBackoff.Next(previousDelay, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        HistoryLog.RetentionFailed(logger, failure, (long)delay.TotalMilliseconds);
        return Task.FromResult<TimeSpan?>(delay);
    }

    /// <summary>Removes the oldest calls that ended before <paramref name="cutoff"/>, at most <see cref="BatchSize"/>, in one transaction.</summary>
    internal async Task<int> RemoveBatchAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = (await connection.QueryAsync<string>(new CommandDefinition($"""
            SELECT {dialect.AsText("call_id")} FROM calls WHERE ended_at < @cutoff ORDER BY ended_at LIMIT {BatchSize}
            """, new { cutoff }, transaction, cancellationToken: cancellationToken))).ToArray();
        if (ids.Length > 0)
        {
            foreach (var table in new[] { "user_calls", "call_events", "call_participants", "calls" })
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"DELETE FROM {table} WHERE {dialect.UuidInList("call_id", "@ids")}", new { ids }, transaction, cancellationToken: cancellationToken));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return ids.Length;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
