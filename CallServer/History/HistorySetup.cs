using CallServer.Backup;
using CallServer.Supervision;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CallServer.History;

internal static class HistorySetup
{
    /// <summary>Call history: PostgreSQL when <c>ConnectionStrings:Postgres</c> is set, else SQLite in the data dir; its writer and migrations.</summary>
    public static IHostApplicationBuilder AddHistory(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HistoryOptions>().BindConfiguration(HistoryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var postgres = builder.Configuration.GetConnectionString("Postgres");
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(postgres).Build());
            builder.Services.AddSingleton<HistoryDialect>(sp => new PostgresDialect(sp.GetRequiredService<NpgsqlDataSource>()));
        }
        else
        {
            builder.Services.AddSingleton<HistoryDialect>(sp =>
                new SqliteDialect(Path.Combine(sp.GetRequiredService<IOptions<StorageOptions>>().Value.FullDataDir, "history.db")));
        }

        builder.Services.AddSingleton<HistoryStore>();
        builder.Services.AddSingleton<RecentCallRows>();
        builder.Services.AddSingleton<RecentCallsStore>();
        builder.Services.AddSingleton<HistoryMigrator>();
        builder.Services.AddSingleton<HistoryQueue>();
        builder.Services.AddSingleton<HistoryHealth>();
        builder.Services.AddSingleton<HistoryParking>();
        builder.Services.AddSingleton<HistoryDeadLetters>();
        builder.Services.AddSupervised<HistoryWriter>("history-writer", HealthStatus.Degraded);
        if (int.TryParse(builder.Configuration[$"{HistoryOptions.Section}:{nameof(HistoryOptions.RetentionDays)}"], out var days) && days > 0)
        {
            builder.Services.AddSupervised<HistoryRetention>("history-retention", HealthStatus.Degraded);
        }

        builder.Services.AddHealthChecks().AddCheck<HistoryHealth>("history", tags: ["ready"]);
        return builder;
    }
}
