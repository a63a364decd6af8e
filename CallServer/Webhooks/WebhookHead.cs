using System.Text.Json;

namespace CallServer.Webhooks;

/// <summary>The head of a lane: the entry exactly as stored (to remove exactly it), and the webhook it holds.</summary>
/// <param name="Message">Null when the entry does not read: it is then set aside as a dead letter.</param>
internal sealed record WebhookHead(string Entry, WebhookMessage? Message)
{
    public static WebhookHead? Of(string? stored)
    {
        if (stored is null)
        {
            return null;
        }

        try
        {
            return new WebhookHead(stored, JsonSerializer.Deserialize(stored, WebhookJson.Default.WebhookMessage));
        }
        catch (JsonException)
        {
            return new WebhookHead(stored, null);
        }
    }
}
