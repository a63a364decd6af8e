using System.Text.Json;
using CallServer.Backup;
using CallServer.Domain.Backup;
using CallServer.Domain.Supervision;
using CallServer.Hubs;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace CallServer.Fanout;

/// <summary>
/// The talk's <c>Endpoint.broadcast</c>: on every instance, forwards each room status from Redis to the room's SignalR group,
/// sends <c>ended</c> when a call ends and closes connections whose participant is gone; delivers signals to their receiver.
/// </summary>
internal sealed class StatusRelay(
    IConnectionMultiplexer redis, RedisKeys keys, IHubContext<RoomHub> hub, RoomConnections connections,
    Telemetry.ServerMetrics metrics, TimeProvider time, ILogger<StatusRelay> logger) : ISupervisedService
{
    /// <summary>How long a connection stays open after its last event, so that the event is flushed before the close.</summary>
    private static readonly TimeSpan CloseDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>Rooms relayed at once (each room on one lane, in order); enough that a waiting write holds up few rooms.</summary>
    private static readonly int LaneCount = Math.Max(8, Environment.ProcessorCount * 4);

    /// <summary>Statuses a busy lane queues before the reading of the subscription waits for it.</summary>
    private const int LaneCapacity = 1024;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var subscriber = redis.GetSubscriber();
        // a queue per channel keeps the messages of each channel in order: clients see versions in increasing order
        var statuses = await subscriber.SubscribeAsync(RedisChannel.Literal(keys.StatusChannel));
        var signals = await subscriber.SubscribeAsync(RedisChannel.Literal(keys.SignalChannel));
        FanoutLog.Subscribed(logger, keys.StatusChannel);
        var lanes = new RelayLanes(LaneCount, LaneCapacity, OnStatusAsync, ex => FanoutLog.RelayFailed(logger, ex), stoppingToken);
        try
        {
            // read in order from the one subscription, relayed on the room's lane
            await Task.WhenAll(
                PumpAsync(statuses, (message, ct) => lanes.PostAsync(PublishedStatus.Read((ReadOnlyMemory<byte>)message), ct).AsTask(), stoppingToken),
                PumpAsync(signals, OnSignalAsync, stoppingToken));
        }
        finally
        {
            await UnsubscribeQuietlyAsync(statuses);
            await UnsubscribeQuietlyAsync(signals);
            await lanes.DisposeAsync();
        }
    }

    /// <summary>Bounded, and quiet while Redis does not answer: the subscription dies with the connection anyway.</summary>
    private Task UnsubscribeQuietlyAsync(ChannelMessageQueue queue) =>
        StoreFailures.QuietlyAsync(queue.UnsubscribeAsync(), ex => FanoutLog.UnsubscribeSkipped(logger, ex));

    private Task PumpAsync(ChannelMessageQueue queue, Func<RedisValue, CancellationToken, Task> handle, CancellationToken stoppingToken) =>
        RelayLoop.EachAsync(queue, (message, ct) => handle(message.Message, ct), ex => FanoutLog.RelayFailed(logger, ex), stoppingToken);

    /// <summary>The status goes out as the JSON the room published, read once for routing and never serialized again.</summary>
    private async Task OnStatusAsync(PublishedStatus update, CancellationToken cancellationToken)
    {
        var room = hub.Clients.Group(HubGroups.Room(update.RoomId));
        await room.SendAsync(HubMethods.Status, new RawJson(update.StatusJson), cancellationToken);
        if (update.UpdatedAt is { } changedAt)
        {
            metrics.FanoutLag.Record((time.GetUtcNow() - changedAt).TotalSeconds);
        }

        if (update.EndReason is { } reason)
        {
            await room.SendAsync(HubMethods.Ended, new EndedMessage(update.RoomId, update.CallId, reason), cancellationToken);
            CloseLater(connections.Outdated(update.RoomId, update.Version, null));
        }
        else
        {
            // a removed participant hears why before its connections close (left, kicked, replaced, timeout)
            foreach (var (participantId, why) in update.Removed ?? [])
            {
                await hub.Clients.Group(HubGroups.Participant(participantId))
                    .SendAsync(HubMethods.Removed, new RemovedMessage(update.RoomId, update.CallId, participantId, why), cancellationToken);
            }

            CloseLater(connections.Outdated(update.RoomId, update.Version, update.ParticipantIds));
        }
    }

    private async Task OnSignalAsync(RedisValue message, CancellationToken cancellationToken)
    {
        var signal = JsonSerializer.Deserialize((byte[])message!, SignalJson.Default.SignalEnvelope)!;
        var receiver = hub.Clients.Group(HubGroups.Participant(signal.To));
        await (signal.Kind switch
        {
            SignalEnvelope.Candidate => receiver.SendAsync(HubMethods.Candidate, new CandidateMessage(signal.Target ?? "", signal.Payload), cancellationToken),
            SignalEnvelope.Data => receiver.SendAsync(HubMethods.Data, new DataMessage(signal.From, signal.Type, signal.Payload), cancellationToken),
            _ => receiver.SendAsync(HubMethods.Signal, new SignalMessage(signal.From, signal.Type, signal.Payload), cancellationToken),
        });
    }

    private void CloseLater(List<HubCallerContext> closing)
    {
        if (closing.Count == 0)
        {
            return;
        }

        _ = Task.Delay(CloseDelay, time).ContinueWith(_ => closing.ForEach(c => c.Abort()), TaskScheduler.Default);
    }
}
