using StackExchange.Redis;

namespace CallServer.Backup;

/// <summary>
/// The one definition of "the backup store is unavailable", used at every call site: the command may succeed if tried again
/// later, so callers answer 503 (REST) or a HubException saying to retry, and workers reload from the backup. Anything else
/// a store call throws is a bug, and crashes where it happens.
/// </summary>
internal static class StoreFailures
{
    /// <summary>Server errors that mean "not now": loading its data, busy with a script, a replica, no master, too few replicas.</summary>
    private static readonly string[] TransientServerErrors = ["LOADING", "BUSY", "READONLY", "MASTERDOWN", "NOREPLICAS", "TRYAGAIN", "CLUSTERDOWN"];

    /// <summary>How long clients are told to wait before trying again (the <c>Retry-After</c> of a 503).</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    public static bool IsUnavailable(Exception exception) => exception switch
    {
        StoreUnavailableException => true,
        // RedisTimeoutException is a TimeoutException, not a RedisException
        TimeoutException => true,
        RedisConnectionException => true,
        RedisServerException server => IsTransient(server.Message),
        RedisCommandException => false,
        RedisException other => other.GetType() == typeof(RedisException),
        // the multiplexer once the host is stopping
        ObjectDisposedException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnavailable),
        _ => false,
    };

    private static bool IsTransient(string message)
    {
        // Redis puts the error code first; an error raised inside a script may be prefixed by "ERR Error running script ..."
        foreach (var code in TransientServerErrors)
        {
            if (message.StartsWith(code, StringComparison.Ordinal) || message.Contains($" {code} ", StringComparison.Ordinal)
                || message.Contains($"-{code} ", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
