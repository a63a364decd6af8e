using System.Text.Json;
using StackExchange.Redis;

namespace CallServer.Webhooks;

/// <summary>The head of a lane: the entry exactly as stored (to remove exactly it), and the webhook it holds.</summary>
/// <param name="Message">Null when the entry does not read: it is then set aside as a dead letter.</param>
internal sealed record WebhookHead(string Entry, WebhookMessage? Message)
{
    public static WebhookHead? Of(RedisValue stored)
    {
        if (stored.IsNull)
        {
            return null;
        }

        try
        {
            return new WebhookHead(stored.ToString(), JsonSerializer.Deserialize(stored.ToString(), WebhookJson.Default.WebhookMessage));
        }
        catch (JsonException)
        {
            return new WebhookHead(stored.ToString(), null);
        }
    }
}
