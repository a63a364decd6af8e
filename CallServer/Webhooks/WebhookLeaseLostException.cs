namespace CallServer.Webhooks;

/// <summary>A lane's head was not removed: this instance no longer holds the sender's lease, and another sends that lane now.</summary>
internal sealed class WebhookLeaseLostException() : Exception("This instance no longer holds the webhook sender's lease.");
