using System.Data.Common;
using Dapper;
using Npgsql;

namespace CallServer.History;

/// <summary>PostgreSQL through Npgsql's data source (pooled connections).</summary>
internal sealed class PostgresDialect(NpgsqlDataSource dataSource) : HistoryDialect
{
    /// <summary>An arbitrary constant that names CallServer's migration lock among PostgreSQL's advisory locks.</summary>
    private const long MigrationLockKey = 0x43616c6c53727672;

    public override int RowsPerStatement => 250;

    public override string Name => "Postgres";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    public override string Uuid(string parameter) => $"CAST({parameter} AS uuid)";

    public override string Json(string parameter) => $"CAST({parameter} AS jsonb)";

    public override string AsText(string column) => $"{column}::text";

    // Npgsql takes arrays as parameters, so Dapper passes the list whole rather than expanding it
    public override string InList(string expression, string parameter) => $"{expression} = ANY({parameter})";

    public override string UuidInList(string column, string parameter) => $"{column} = ANY(CAST({parameter} AS uuid[]))";

    public override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = MigrationLockKey }, transaction, cancellationToken: cancellationToken));

    public override bool IsUnavailable(Exception exception) =>
        exception is NpgsqlException { IsTransient: true } or NpgsqlException { InnerException: System.Net.Sockets.SocketException or IOException or TimeoutException }
        || (exception is PostgresException pg && pg.SqlState.StartsWith("57P", StringComparison.Ordinal))
        || exception is TimeoutException;
}
