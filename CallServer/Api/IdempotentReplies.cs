using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Caching.Distributed;

namespace CallServer.Api;

/// <summary>First answers to requests that carried an <c>Idempotency-Key</c>, kept 24 hours, so a retry gets the same answer.</summary>
internal sealed class IdempotentReplies(IDistributedCache cache)
{
    public const string Header = "Idempotency-Key";

    private static readonly DistributedCacheEntryOptions Retention = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(24) };

    public async Task<T?> FindAsync<T>(string roomId, string operation, string key, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var stored = await cache.GetAsync(CacheKey(roomId, operation, key), cancellationToken);
        return stored is null ? null : JsonSerializer.Deserialize(stored, type);
    }

    public Task KeepAsync<T>(string roomId, string operation, string key, T reply, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        cache.SetAsync(CacheKey(roomId, operation, key), JsonSerializer.SerializeToUtf8Bytes(reply, type), Retention, cancellationToken);

    private static string CacheKey(string roomId, string operation, string key) => $"{roomId}:{operation}:{key}";
}
