using System.Text.Json;
using CallServer.Backup;
using StackExchange.Redis;

namespace CallServer.History;

/// <summary>The dead letters of the history (a Redis list, newest first, the newest <see cref="Capacity"/> kept), for admins to list.</summary>
internal sealed class HistoryDeadLetters(IConnectionMultiplexer redis, RedisKeys keys)
{
    public const int Capacity = 10_000;

    public async Task AddAsync(DeadLetter letter)
    {
        var db = redis.GetDatabase();
        await db.ListLeftPushAsync(keys.HistoryDeadLetters, JsonSerializer.SerializeToUtf8Bytes(letter, HistoryJson.Default.DeadLetter));
        await db.ListTrimAsync(keys.HistoryDeadLetters, 0, Capacity - 1);
    }

    /// <summary>The newest <paramref name="limit"/> dead letters.</summary>
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        var entries = await redis.GetDatabase().ListRangeAsync(keys.HistoryDeadLetters, 0, limit - 1).WaitAsync(cancellationToken);
        return [.. entries.Select(e => JsonSerializer.Deserialize((byte[])e!, HistoryJson.Default.DeadLetter)!)];
    }
}
