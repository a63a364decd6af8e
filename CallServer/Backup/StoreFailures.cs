using CallServer.Domain.Backup;
using StackExchange.Redis;

namespace CallServer.Backup;

/// <summary>
/// The one definition of "the backup store is unavailable", used at every call site: the command may succeed if tried again
/// later, so callers answer 503 (REST) or a HubException saying to retry, and workers reload from the backup. Anything else
/// a store call throws is a bug, and crashes where it happens.
/// </summary>
internal static class StoreFailures
{
    /// <summary>
    /// Server errors that mean "not now": loading its data, busy with a script, a replica, no master, too few replicas, out of
    /// memory (with <c>noeviction</c>), persistence failing, too many clients. StackExchange.Redis classifies replies by prefix.
    /// </summary>
    private static readonly RedisErrorKind[] TransientKinds =
    [
        RedisErrorKind.Loading, RedisErrorKind.Busy, RedisErrorKind.ReadOnly, RedisErrorKind.MasterDown, RedisErrorKind.NoReplicas,
        RedisErrorKind.TryAgain, RedisErrorKind.ClusterDown, RedisErrorKind.OutOfMemory, RedisErrorKind.Misconfigured,
        RedisErrorKind.MaxClients,
    ];

    /// <summary>The same, as prefixes: a script's error wraps the reply of the command that failed inside it.</summary>
    private static readonly string[] TransientPrefixes = ["LOADING", "BUSY", "READONLY", "MASTERDOWN", "NOREPLICAS", "TRYAGAIN", "CLUSTERDOWN", "OOM", "MISCONF"];

    /// <summary>How long clients are told to wait before trying again (the <c>Retry-After</c> of a 503).</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    /// <summary>Runs a store call; a failure that may pass becomes the domain's <see cref="StoreUnavailableException"/> (the adapters' half of the definition).</summary>
    public static async Task<T> GuardedAsync<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (IsUnavailable(ex) && ex is not StoreUnavailableException)
        {
            throw new StoreUnavailableException($"{what}: the backup store is unavailable.", ex);
        }
    }

    /// <summary>
    /// Waits at most a second for a cleanup or a side record to Redis, and lets it go when Redis does not answer (an
    /// unsubscribe, a lease release): <paramref name="skipped"/> hears why.
    /// </summary>
    public static async Task QuietlyAsync(Task task, Action<Exception>? skipped = null)
    {
        try
        {
            await task.WaitAsync(TimeSpan.FromSeconds(1));
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            skipped?.Invoke(ex);
        }
    }

    public static bool IsUnavailable(Exception exception) => exception switch
    {
        StoreUnavailableException => true,
        // RedisTimeoutException is a TimeoutException, not a RedisException
        TimeoutException => true,
        RedisConnectionException => true,
        RedisServerException server => TransientKinds.Contains(server.Kind) || IsWrappedTransient(server.Message),
        RedisCommandException => false,
        RedisException other => other.GetType() == typeof(RedisException),
        // the multiplexer once the host is stopping
        ObjectDisposedException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnavailable),
        _ => false,
    };

    private static bool IsWrappedTransient(string message)
    {
        // "ERR Error running script (call to f_…): @user_script:5: -READONLY You can't write against a read only replica."
        foreach (var code in TransientPrefixes)
        {
            if (message.StartsWith(code + " ", StringComparison.Ordinal) || message.Contains($"-{code} ", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
