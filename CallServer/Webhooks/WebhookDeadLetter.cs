namespace CallServer.Webhooks;

/// <summary>A webhook that was not delivered within <c>Webhooks:MaxRetryHours</c>: kept for <c>GET /webhooks/failed</c> and redelivery.</summary>
internal sealed record WebhookDeadLetter(
    string Id,
    string Type,
    string RoomId,
    string Endpoint,
    int Attempts,
    DateTimeOffset FirstFailedAt,
    DateTimeOffset FailedAt,
    string Error,
    WebhookMessage Message);
