using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallServer.Backup;

internal static class BackupSetup
{
    /// <summary>Redis (or the embedded store), the room backup, and this instance's liveness key.</summary>
    public static IHostApplicationBuilder AddBackup(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<RedisOptions>>().Value.KeyPrefix));
        builder.Services.AddSingleton(sp => new EmbeddedRedis(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<ILogger<EmbeddedRedis>>()));
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp => Connect(sp, builder.Configuration.GetConnectionString("Redis")));
        builder.Services.AddSingleton<RoomBackup>();
        builder.Services.AddSingleton<SignalPublisher>();
        builder.Services.AddSingleton<InstanceIdentity>();
        builder.Services.AddHostedService<InstanceHeartbeat>();
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return builder;
    }

    private static ConnectionMultiplexer Connect(IServiceProvider services, string? connectionString)
    {
        var logger = services.GetRequiredService<ILogger<RoomBackup>>();
        var configuration = ConfigurationOptions.Parse(
            string.IsNullOrWhiteSpace(connectionString) ? services.GetRequiredService<EmbeddedRedis>().ConnectionString : connectionString);
        // start even when Redis is down, and fail commands at once while it is (they answer 503) rather than queueing them
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ConnectTimeout = 3000;
        configuration.AsyncTimeout = 3000;
        configuration.SyncTimeout = 3000;
        configuration.ClientName = "callserver";
        BackupLog.UsingRedis(logger, string.Join(",", configuration.EndPoints));
        return ConnectionMultiplexer.Connect(configuration);
    }
}
