using CallServer.Supervision;
using Microsoft.Extensions.Diagnostics.HealthChecks;
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
        var connectionString = builder.Configuration.GetConnectionString("Redis");
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp => Connect(sp, connectionString, "callserver"));
        builder.Services.AddSingleton(sp => new AckedWrites(
            sp.GetRequiredService<IOptions<RedisOptions>>(), name => Connect(sp, connectionString, name)));
        builder.Services.AddSingleton<RoomBackup>();
        builder.Services.AddSingleton<SignalPublisher>();
        builder.Services.AddSingleton<InstanceIdentity>();
        builder.Services.AddSingleton<InstanceLiveness>();
        builder.Services.AddSupervised<InstanceHeartbeat>("instance-heartbeat", HealthStatus.Unhealthy);
        builder.Services.AddSupervised<EvictionPolicyCheck>("eviction-policy-check", HealthStatus.Healthy);
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return builder;
    }

    private static ConnectionMultiplexer Connect(IServiceProvider services, string? connectionString, string clientName)
    {
        var logger = services.GetRequiredService<ILogger<RoomBackup>>();
        var options = services.GetRequiredService<IOptions<RedisOptions>>().Value;
        var configuration = ConfigurationOptions.Parse(
            string.IsNullOrWhiteSpace(connectionString) ? services.GetRequiredService<EmbeddedRedis>().ConnectionString : connectionString);
        // start even when Redis is down, and fail commands at once while it is (they answer 503) rather than queueing them
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        // every call fails within this bound while Redis hangs: the bound of every answer (Redis:TimeoutMs)
        configuration.ConnectTimeout = options.TimeoutMs;
        configuration.AsyncTimeout = options.TimeoutMs;
        configuration.SyncTimeout = options.TimeoutMs;
        configuration.ClientName = clientName;
        BackupLog.UsingRedis(logger, string.Join(",", configuration.EndPoints), configuration.ServiceName ?? "-");
        return ConnectionMultiplexer.Connect(configuration);
    }
}
