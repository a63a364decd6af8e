using System.Diagnostics.Metrics;
using CallServer.Domain.Media;
using CallServer.Domain.Telemetry;

namespace CallServer.Telemetry;

/// <summary>
/// The adapters' metrics, on the rooms' Meter ("CallServer"): hub connections, backup write duration, fan-out lag, history
/// queue and lag, webhook lag and dead letters, and media calls by mode.
/// </summary>
internal sealed class ServerMetrics
{
    private long _historyQueued;

    public ServerMetrics(RoomTelemetry rooms, IMediaServer media)
    {
        var meter = rooms.Meter;
        HubConnections = meter.CreateUpDownCounter<long>("callserver.hub.connections", "{connection}", "Hub connections this instance holds.");
        BackupWrite = meter.CreateHistogram<double>("callserver.backup.write.duration", "s", "One atomic backup write (snapshot, events, status), from the call to Redis's answer.");
        FanoutLag = meter.CreateHistogram<double>("callserver.fanout.lag", "s", "From a room's change to the relay sending its status to the room's connections on this instance.");
        HistoryLag = meter.CreateHistogram<double>("callserver.history.lag", "s", "From an event to its storing in the history database.");
        WebhookLag = meter.CreateHistogram<double>("callserver.webhooks.lag", "s", "From an event to a delivery attempt of its webhook.");
        WebhookDeadLetters = meter.CreateCounter<long>("callserver.webhooks.dead_letters", "{webhook}", "Webhooks that became dead letters.");
        PubSubReceived = meter.CreateCounter<long>("callserver.pubsub.received", "{message}",
            "Messages this instance received from Redis pub/sub, by kind: status (a room's), signal (a participant's), user (a user's notices), wake (a worker's).");
        Subscriptions = meter.CreateUpDownCounter<long>("callserver.pubsub.subscriptions", "{channel}",
            "Room, participant and user channels this instance listens to, by kind.");
        meter.CreateObservableGauge("callserver.history.queue", () => Interlocked.Read(ref _historyQueued), "{event}", "Events waiting for the history writer (as it last saw them).");
        meter.CreateObservableGauge("callserver.media.calls", () => new Measurement<int>(media.Calls, new KeyValuePair<string, object?>("mode", media.Mode)),
            "{call}", "Calls this instance holds on the media server, by mode.");
    }

    public UpDownCounter<long> HubConnections { get; }

    public Histogram<double> BackupWrite { get; }

    public Histogram<double> FanoutLag { get; }

    public Histogram<double> HistoryLag { get; }

    public Histogram<double> WebhookLag { get; }

    public Counter<long> WebhookDeadLetters { get; }

    private Counter<long> PubSubReceived { get; }

    private UpDownCounter<long> Subscriptions { get; }

    /// <summary>A message received from Redis pub/sub: <paramref name="kind"/> status, signal, user or wake.</summary>
    public void PubSubMessage(string kind) => PubSubReceived.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>A channel of <paramref name="kind"/> subscribed (+1) or unsubscribed (-1).</summary>
    public void SubscriptionsChanged(string kind, int delta) => Subscriptions.Add(delta, new KeyValuePair<string, object?>("kind", kind));

    public void HistoryQueued(long events) => Interlocked.Exchange(ref _historyQueued, events);
}
