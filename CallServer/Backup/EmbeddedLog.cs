namespace CallServer.Backup;

/// <summary>
/// What acknowledges a change in the embedded store: its log on disk. Garnet answers a script before its log is written, and
/// logs the script command by command (even in its Lua transaction mode, whose commit wait also stalls once a second
/// connection writes); so a change waits here before it is acknowledged or published, and the scripts are written so that a
/// prefix of one that a kill cut is repaired or harmless (<see cref="BackupScript"/>, <see cref="ReliableQueueScript"/>).
/// A Redis server writes its log before it answers: nothing to wait for.
/// </summary>
internal sealed class EmbeddedLog(RedisConnector connector, IServiceProvider services)
{
    private readonly EmbeddedRedis? _store = connector.Embedded ? services.GetRequiredService<EmbeddedRedis>() : null;

    /// <summary>True with the embedded store.</summary>
    public bool Enabled => _store is not null;

    /// <summary>Completes once every write made so far is in the log on disk (at once with a Redis server).</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _store?.WaitForLogAsync(cancellationToken) ?? Task.CompletedTask;
}
