namespace CallServer.Webhooks;

/// <summary>One delivery attempt, as <c>GET /webhooks/deliveries</c> lists it.</summary>
/// <param name="Status">The receiver's HTTP status, or null when none came (timeout, refused connection).</param>
internal sealed record WebhookAttempt(
    string Id,
    string Type,
    string RoomId,
    string Endpoint,
    DateTimeOffset At,
    int? Status,
    long LatencyMs,
    string? Error,
    int Attempt);
