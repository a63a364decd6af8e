namespace CallServer.Webhooks;

/// <summary>How a lane's delivery run ended: its lane empty, its head waiting for a retry, or interrupted (to be started again).</summary>
internal sealed record LaneEnd(bool Emptied, WebhookRetry? Retry)
{
    public static readonly LaneEnd Empty = new(true, null);

    public static readonly LaneEnd Interrupted = new(false, null);

    public static LaneEnd Waiting(WebhookRetry retry) => new(false, retry);
}
