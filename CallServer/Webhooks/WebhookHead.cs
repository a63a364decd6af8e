using System.Text.Json;
using StackExchange.Redis;

namespace CallServer.Webhooks;

/// <summary>The head of a lane: the entry exactly as stored (to remove exactly it), and the webhook it holds.</summary>
internal sealed record WebhookHead(string Entry, WebhookMessage Message)
{
    public static WebhookHead? Of(RedisValue stored) =>
        stored.IsNull ? null : new WebhookHead(stored.ToString(), JsonSerializer.Deserialize(stored.ToString(), WebhookJson.Default.WebhookMessage)!);
}
