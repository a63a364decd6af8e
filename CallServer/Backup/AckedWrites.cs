using CallServer.Domain.Backup;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallServer.Backup;

/// <summary>
/// With <c>Redis:AckReplicas</c> above 0: backup writes go through a connection of their own, and each is followed by Redis's
/// <c>WAIT</c>, which blocks that connection until enough replicas hold every write sent on it. A connection of its own,
/// because <c>WAIT</c> blocks everything behind it: reads, pub/sub and the heartbeat keep their own connection.
/// </summary>
internal sealed class AckedWrites(IOptions<RedisOptions> options, RedisConnector connector, RedisKeys keys) : IDisposable
{
    private readonly RedisOptions _options = options.Value;

    // connected when the server starts (never lazily on a request: a connect then waits on a busy thread pool)
    private readonly ConnectionMultiplexer? _connection = options.Value.AckReplicas > 0 ? connector.Connect("callserver-acked") : null;

    /// <summary>False when changes are acknowledged once the master has them.</summary>
    public bool Enabled => _connection is not null;

    public IDatabase Database => (_connection ?? throw new InvalidOperationException("Redis:AckReplicas is 0.")).GetDatabase();

    /// <summary>
    /// Makes sure replicas hold everything the master holds now, whoever wrote it: a small write on this connection first, so
    /// that <c>WAIT</c> (which only counts this connection's writes) covers the whole replication stream up to here.
    /// </summary>
    public async Task ConfirmAllAsync(CancellationToken cancellationToken)
    {
        await Database.StringIncrementAsync(keys.AckFence).WaitAsync(cancellationToken);
        await ConfirmAsync(cancellationToken);
    }

    /// <summary>Waits until <c>Redis:AckReplicas</c> replicas hold every write sent so far on this connection; throws when too few confirm in time.</summary>
    public async Task ConfirmAsync(CancellationToken cancellationToken)
    {
        var confirmed = (long)await Database.ExecuteAsync("WAIT", _options.AckReplicas, _options.AckReplicasTimeoutMs).WaitAsync(cancellationToken);
        if (confirmed < _options.AckReplicas)
        {
            throw new StoreUnavailableException(
                $"Only {confirmed} of {_options.AckReplicas} Redis replicas confirmed the change within {_options.AckReplicasTimeoutMs} ms.");
        }
    }

    public void Dispose() => _connection?.Dispose();
}
