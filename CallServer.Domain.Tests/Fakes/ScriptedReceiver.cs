using CallServer.Webhooks;

namespace CallServer.Domain.Tests.Fakes;

/// <summary>
/// Webhook receivers in memory: each attempt is answered by <see cref="Answer"/> (a status code, or a wait that lasts until
/// the attempt is cancelled) and recorded with the fake clock's time.
/// </summary>
internal sealed class ScriptedReceiver(TimeProvider time) : IWebhookTransport
{
    private readonly Lock _gate = new();
    private readonly List<Received> _received = [];

    /// <summary>The status for an attempt; null: the receiver hangs until the attempt is cancelled.</summary>
    public Func<WebhookEndpoint, WebhookMessage, int?> Answer { get; set; } = (_, _) => 200;

    /// <summary>Every attempt, in the order they were made.</summary>
    public IReadOnlyList<Received> Attempts
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public async Task<(int? Status, long LatencyMs, string? Error)> SendAsync(WebhookEndpoint endpoint, WebhookMessage message, CancellationToken cancellationToken)
    {
        var status = Answer(endpoint, message);
        lock (_gate)
        {
            _received.Add(new Received(endpoint, message.Id, message.RoomId, status, time.GetUtcNow()));
        }

        if (status is not { } answered)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }

        return (answered, 1, answered is >= 200 and < 300 ? null : $"HTTP {answered}");
    }

    /// <summary>One attempt: to whom, which webhook, what it was answered (null: it hung), and when.</summary>
    public sealed record Received(WebhookEndpoint Endpoint, string Id, string RoomId, int? Status, DateTimeOffset At);
}
