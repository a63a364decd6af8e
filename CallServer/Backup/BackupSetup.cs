using CallServer.Domain.Backup;
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
        builder.Services.AddSingleton<IValidateOptions<RedisOptions>, RedisOptionsValidation>();
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<RedisOptions>>().Value.KeyPrefix));
        builder.Services.AddSingleton(sp => new EmbeddedRedis(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<ILogger<EmbeddedRedis>>()));
        var connectionString = builder.Configuration.GetConnectionString("Redis");
        builder.Services.AddSingleton(sp => new RedisConnector(connectionString, sp));
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp => sp.GetRequiredService<RedisConnector>().Connect("callserver"));
        builder.Services.AddSingleton<AckedWrites>();
        builder.Services.AddSingleton<EmbeddedLog>();
        builder.Services.AddSingleton<RingingIndex>();
        builder.Services.AddSingleton<LegacyCopies>();
        builder.Services.AddSingleton<RoomBackup>();
        builder.Services.AddSingleton<IRoomBackup>(sp => sp.GetRequiredService<RoomBackup>());
        builder.Services.AddSingleton<ISignalPublisher, SignalPublisher>();
        builder.Services.AddSingleton<InstanceIdentity>();
        builder.Services.AddSingleton(sp => new InstanceLiveness(
            sp.GetRequiredService<TimeProvider>(), TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<RedisOptions>>().Value.InstanceTtlSeconds)));
        builder.Services.AddSupervised<InstanceHeartbeat>("instance-heartbeat", HealthStatus.Unhealthy);
        builder.Services.AddSupervised<EvictionPolicyCheck>("eviction-policy-check", HealthStatus.Healthy);
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return builder;
    }
}
