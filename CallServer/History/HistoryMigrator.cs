using Dapper;

namespace CallServer.History;

/// <summary>
/// Runs the numbered SQL files of <c>History/Migrations/{dialect}</c> that the database has not yet applied, under a lock, and
/// the one step in code: the users' recent calls of the calls already stored, after the migration that makes their table.
/// </summary>
internal sealed class HistoryMigrator(HistoryDialect dialect, RecentCallRows recentCalls, ILogger<HistoryMigrator> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var scripts = Scripts();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await dialect.LockForMigrationAsync(connection, transaction, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)",
            transaction: transaction, cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT version FROM schema_migrations", transaction: transaction, cancellationToken: cancellationToken))).ToHashSet();
        foreach (var (version, name, sql) in scripts.Where(s => !applied.Contains(s.Version)))
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, name) VALUES (@version, @name)", new { version, name }, transaction, cancellationToken: cancellationToken));
            HistoryLog.MigrationApplied(logger, dialect.Name, name);
            if (version == RecentCallRows.BackfillAfterMigration)
            {
                HistoryLog.RecentCallsBackfilled(logger, await recentCalls.BackfillAsync(connection, transaction, cancellationToken));
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private List<(long Version, string Name, string Sql)> Scripts()
    {
        var assembly = typeof(HistoryMigrator).Assembly;
        var prefix = $"CallServer.History.Migrations.{dialect.Name}.";
        var scripts = new List<(long, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var name = resource[prefix.Length..];
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            scripts.Add((long.Parse(name[..name.IndexOf('_', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture), name, reader.ReadToEnd()));
        }

        return [.. scripts.OrderBy(s => s.Item1)];
    }
}
