using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace CallServer.History;

/// <summary>The embedded default: a SQLite file in the data dir.</summary>
internal sealed class SqliteDialect(string path) : HistoryDialect
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    private bool _prepared;

    public override int RowsPerStatement => 16;

    public override string Name => "Sqlite";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_prepared)
        {
            // 0600 before SQLite first opens it (its -wal and -shm files take the database file's mode)
            CallServer.Backup.PrivateFiles.Folder(Path.GetDirectoryName(Path.GetFullPath(path))!);
            CallServer.Backup.PrivateFiles.File(path);
            _prepared = true;
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        // concurrent readers while the writer writes; foreign keys as in PostgreSQL
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public override string Uuid(string parameter) => parameter;

    public override string Json(string parameter) => parameter;

    public override string AsText(string column) => column;

    public override string InList(string expression, string parameter) => $"{expression} IN {parameter}";

    public override string UuidInList(string column, string parameter) => InList(column, parameter);

    // SQLite takes a write lock with the migration's first statement; busy_timeout makes a second process wait for it
    public override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public override bool IsUnavailable(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 or 10 or 14 } or IOException or UnauthorizedAccessException;
}
