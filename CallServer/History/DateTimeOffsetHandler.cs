using System.Data;
using System.Globalization;
using Dapper;

namespace CallServer.History;

/// <summary>Reads times the way each database gives them back (PostgreSQL: UTC DateTime, SQLite: ISO text) as DateTimeOffset.</summary>
internal sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public static void Register() => SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        parameter.DbType = DbType.DateTimeOffset;
        parameter.Value = value.ToUniversalTime();
    }

    public override DateTimeOffset Parse(object value) => value switch
    {
        DateTimeOffset dto => dto,
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        string text => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        _ => throw new DataException($"Cannot read {value.GetType().Name} as a time."),
    };
}
