namespace CallServer.Webhooks;

/// <summary>Where a room's lane stands after failures: kept in Redis, so that the retry window survives restarts.</summary>
internal sealed record WebhookRetry(string Id, int Attempts, DateTimeOffset FirstFailedAt, DateTimeOffset NextAttemptAt, string Error);
