using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Caching.Distributed;

namespace CallServer.Api;

/// <summary>
/// First answers to requests that carried an <c>Idempotency-Key</c>, kept 24 hours, so that a retry gets the same answer.
/// Each is kept with a fingerprint of who asked what (the identity or participant, and the request): only a request with the
/// same fingerprint is answered from it, and any other use of the key is a conflict.
/// </summary>
internal sealed class IdempotentReplies(IDistributedCache cache)
{
    public const string Header = "Idempotency-Key";

    private static readonly DistributedCacheEntryOptions Retention = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(24) };

    /// <summary>A fingerprint of the caller and its request, from their parts.</summary>
    public static string Fingerprint(params string?[] parts) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\0', parts.Select(p => p ?? "\u0001")))));

    /// <summary>The first answer under <paramref name="key"/>, when it was given to the same <paramref name="fingerprint"/>.</summary>
    public async Task<Replay<T>> FindAsync<T>(
        string roomId, string operation, string key, string fingerprint, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var stored = await cache.GetAsync(CacheKey(roomId, operation, key), cancellationToken);
        if (stored is null)
        {
            return new Replay<T>(null, Conflict: false);
        }

        var separator = Array.IndexOf(stored, (byte)'\n');
        return separator > 0 && Encoding.ASCII.GetString(stored, 0, separator) == fingerprint
            ? new Replay<T>(JsonSerializer.Deserialize(stored.AsSpan(separator + 1), type), Conflict: false)
            : new Replay<T>(null, Conflict: true);
    }

    public Task KeepAsync<T>(
        string roomId, string operation, string key, string fingerprint, T reply, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(reply, type);
        var stored = new byte[fingerprint.Length + 1 + json.Length];
        Encoding.ASCII.GetBytes(fingerprint, stored);
        stored[fingerprint.Length] = (byte)'\n';
        json.CopyTo(stored, fingerprint.Length + 1);
        return cache.SetAsync(CacheKey(roomId, operation, key), stored, Retention, cancellationToken);
    }

    // "v2": answers kept before fingerprints existed are not replayed (anyone could have sent their key)
    private static string CacheKey(string roomId, string operation, string key) => $"v2:{roomId}:{operation}:{key}";

    /// <summary>What the cache holds for a key: the first answer, nothing, or a use by another caller or request.</summary>
    public sealed record Replay<T>(T? Reply, bool Conflict)
        where T : class;
}
