using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallServer.Backup;

/// <summary>Opens connections to Redis (<c>ConnectionStrings:Redis</c>, a Sentinel service, or the embedded store), all with the same bounds.</summary>
internal sealed class RedisConnector(string? connectionString, IServiceProvider services)
{
    /// <summary>True when the store is the embedded one, not a Redis of the operator's.</summary>
    public bool Embedded => string.IsNullOrWhiteSpace(connectionString);

    public ConnectionMultiplexer Connect(string clientName, bool admin = false)
    {
        var logger = services.GetRequiredService<ILogger<RoomBackup>>();
        var options = services.GetRequiredService<IOptions<RedisOptions>>().Value;
        var configuration = ConfigurationOptions.Parse(Embedded ? services.GetRequiredService<EmbeddedRedis>().ConnectionString : connectionString!);
        // start even when Redis is down, and fail commands at once while it is (they answer 503) rather than queueing them
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        // every call fails within this bound while Redis hangs: the bound of every answer (Redis:TimeoutMs)
        configuration.ConnectTimeout = options.TimeoutMs;
        configuration.AsyncTimeout = options.TimeoutMs;
        configuration.SyncTimeout = options.TimeoutMs;
        // timeouts are found by the heartbeat: twice a second keeps the bound close to Redis:TimeoutMs (default: once a second)
        configuration.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
        // once Redis answers again, reconnect within half a second (the default backs off to many seconds)
        configuration.ReconnectRetryPolicy = new LinearRetry(Math.Min(500, options.TimeoutMs));
        configuration.ClientName = clientName;
        configuration.AllowAdmin = admin;
        BackupLog.UsingRedis(logger, clientName, string.Join(",", configuration.EndPoints), configuration.ServiceName ?? "-");
        return ConnectionMultiplexer.Connect(configuration);
    }
}
