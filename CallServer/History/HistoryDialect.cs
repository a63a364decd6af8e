using System.Data.Common;

namespace CallServer.History;

/// <summary>What differs between the history databases: how to connect, and how a uuid, a JSON value or an id read back is written in SQL.</summary>
internal abstract class HistoryDialect
{
    /// <summary>The folder of its migrations (<c>History/Migrations/{Name}</c>).</summary>
    public abstract string Name { get; }

    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Rows per multi-row INSERT. SQLite finds a named parameter by a linear search of the statement's parameters, so its
    /// statements stay small; PostgreSQL takes large ones well.
    /// </summary>
    public abstract int RowsPerStatement { get; }

    /// <summary>A parameter bound to a uuid column.</summary>
    public abstract string Uuid(string parameter);

    /// <summary>A parameter bound to a JSON column.</summary>
    public abstract string Json(string parameter);

    /// <summary>A uuid or JSON column read back as text.</summary>
    public abstract string AsText(string column);

    /// <summary>"<paramref name="expression"/> is one of the values of the list parameter <paramref name="parameter"/>".</summary>
    public abstract string InList(string expression, string parameter);

    /// <summary>"the uuid column <paramref name="column"/> is one of the ids (text) of the list parameter <paramref name="parameter"/>", by the column's index.</summary>
    public abstract string UuidInList(string column, string parameter);

    /// <summary>Takes the migration lock inside <paramref name="transaction"/>, so that instances starting together do not clash.</summary>
    public abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Whether the exception says the database cannot be reached (rather than a bug).</summary>
    public abstract bool IsUnavailable(Exception exception);
}
