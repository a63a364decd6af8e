using System.Collections.Concurrent;
using System.Text.Json;
using CallServer.Backup;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using CallServer.Domain.Supervision;
using CallServer.Hubs;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace CallServer.Fanout;

/// <summary>
/// The talk's <c>Endpoint.broadcast</c>: on every instance, forwards each status of the rooms it holds connections of from
/// Redis to the room's SignalR group, sends <c>ended</c> when a call ends and closes connections whose participant is gone;
/// delivers the messages to the participants it holds connections of. An instance listens only to the channels of its own
/// rooms and participants (<see cref="ChannelSubscriptions"/>): N instances share the traffic, none hears all of it.
/// </summary>
internal sealed class StatusRelay(
    RedisKeys keys, ChannelSubscriptions subscriptions, IHubContext<RoomHub> hub, RoomConnections connections, ConnectionCloser closer,
    RoomSupervisor rooms, Telemetry.ServerMetrics metrics, TimeProvider time, ILogger<StatusRelay> logger) : ISupervisedService
{
    /// <summary>The version of the last status relayed per room listened to: a catch-up older than it reads the room again.</summary>
    private readonly ConcurrentDictionary<string, long> _relayed = new(StringComparer.Ordinal);

    /// <summary>
    /// Connections that just caught up, per room, with the version they started from: the statuses not newer than it are not
    /// sent to them again. Touched only on the room's lane (a room's catch-ups and statuses run there one at a time).
    /// </summary>
    private readonly ConcurrentDictionary<string, List<(string ConnectionId, long Version)>> _caughtUp = new(StringComparer.Ordinal);

    /// <summary>The lanes while the relay runs (null between a failure and the supervisor's restart: statuses are dropped).</summary>
    private volatile RelayLanes? _lanes;

    private CancellationToken _stopping;

    /// <summary>Rooms relayed at once (each room on one lane, in order); enough that a waiting write holds up few rooms.</summary>
    private static readonly int LaneCount = Math.Max(8, Environment.ProcessorCount * 4);

    /// <summary>Statuses a busy lane queues before its room's channel waits for it.</summary>
    private const int LaneCapacity = 1024;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var lanes = new RelayLanes(LaneCount, LaneCapacity, OnItemAsync, ex => FanoutLog.RelayFailed(logger, ex), stoppingToken);
        _lanes = lanes;
        FanoutLog.Relaying(logger, keys.RoomStatusChannel("*"));
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            _lanes = null;
            await lanes.DisposeAsync();
        }
    }

    /// <summary>Listens to a room's statuses until the hold is released (once Redis has the subscription).</summary>
    public Task<ChannelSubscriptions.Hold> ListenToRoomAsync(string roomId, CancellationToken cancellationToken) =>
        subscriptions.HoldAsync(keys.RoomStatusChannel(roomId), "status", message => OnPublishedAsync(message), cancellationToken,
            left: () =>
            {
                // not heard any more: a later subscription starts with no relayed version (the catch-up reads the connect's status)
                _relayed.TryRemove(roomId, out _);
                _caughtUp.TryRemove(roomId, out _);
            });

    /// <summary>Listens to a participant's messages (signals, data, mutes) until the hold is released.</summary>
    public Task<ChannelSubscriptions.Hold> ListenToParticipantAsync(string roomId, string participantId, CancellationToken cancellationToken) =>
        subscriptions.HoldAsync(keys.ParticipantChannel(roomId, participantId), "signal", OnSignalAsync, cancellationToken);

    /// <summary>
    /// A status an instance of an older build published on the one channel for all rooms (<see cref="LegacyChannels"/>):
    /// relayed like one of the room's channel when this instance holds a connection of the room.
    /// </summary>
    public async Task RelayLegacyAsync(PublishedStatus update)
    {
        if (connections.HoldsRoom(update.RoomId) && _lanes is { } lanes)
        {
            await lanes.PostAsync(update, _stopping);
        }
    }

    /// <summary>A signal an instance of an older build published on the one channel for all participants.</summary>
    public Task RelayLegacySignalAsync(RedisValue message) => OnSignalAsync(message);

    /// <summary>A room's status, read once for routing, relayed on the room's lane.</summary>
    private async Task OnPublishedAsync(RedisValue message)
    {
        if (_lanes is { } lanes)
        {
            await lanes.PostAsync(PublishedStatus.Read((ReadOnlyMemory<byte>)message), _stopping);
        }
    }

    /// <summary>
    /// Puts a new connection into its room's group with the room's current status as its first event, in order with the
    /// statuses the relay sends (docs/API.md §5: no gap on connect). Returns once the connection is in the group.
    /// </summary>
    public async Task CatchUpAsync(string roomId, string connectionId, RoomStatus connected, CancellationToken cancellationToken)
    {
        var catchUp = new ConnectionCatchUp(roomId, connectionId, connected);
        if (_lanes is { } lanes)
        {
            await lanes.PostAsync(catchUp, cancellationToken);
            await catchUp.Done.Task.WaitAsync(cancellationToken);
            return;
        }

        // the relay is between a failure and its restart: no status is relayed now, and the connection still starts from the room's state
        await CatchUpNowAsync(catchUp, cancellationToken);
    }

    private Task OnItemAsync(RelayItem item, CancellationToken cancellationToken) => item switch
    {
        PublishedStatus update => OnStatusAsync(update, cancellationToken),
        ConnectionCatchUp catchUp => OnCatchUpAsync(catchUp, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(item), item.GetType().Name, "not a relay item"),
    };

    private async Task OnCatchUpAsync(ConnectionCatchUp catchUp, CancellationToken cancellationToken)
    {
        try
        {
            var from = await CatchUpNowAsync(catchUp, cancellationToken);
            // the connect's own status (or an older one) may still be on its way to this lane: not sent to it a second time
            _caughtUp.GetOrAdd(catchUp.RoomId, _ => []).Add((catchUp.ConnectionId, from));
            catchUp.Done.TrySetResult();
        }
        catch (Exception ex)
        {
            catchUp.Done.TrySetException(ex);
        }
    }

    /// <summary>Into the group, and the room's status first; returns that status's version.</summary>
    private async Task<long> CatchUpNowAsync(ConnectionCatchUp catchUp, CancellationToken cancellationToken)
    {
        await hub.Groups.AddToGroupAsync(catchUp.ConnectionId, HubGroups.Room(catchUp.RoomId), cancellationToken);
        var status = catchUp.Connected;
        if (_relayed.TryGetValue(catchUp.RoomId, out var relayed) && relayed > status.Version)
        {
            // statuses newer than the connect went out before the connection was in the group: it starts from the room's newest
            status = (await rooms.AskAsync(catchUp.RoomId, new GetStatus(), cancellationToken)).Status;
        }

        await hub.Clients.Client(catchUp.ConnectionId).SendAsync(HubMethods.Status, status, cancellationToken);
        return status.Version;
    }

    /// <summary>The room's group, less the connections that caught up at this version or later.</summary>
    private IClientProxy StatusReceivers(PublishedStatus update, string group, IClientProxy room)
    {
        if (!_caughtUp.TryGetValue(update.RoomId, out var caughtUp))
        {
            return room;
        }

        var skip = caughtUp.Where(c => c.Version >= update.Version).Select(c => c.ConnectionId).ToList();
        caughtUp.RemoveAll(c => c.Version <= update.Version);
        if (caughtUp.Count == 0)
        {
            _caughtUp.TryRemove(update.RoomId, out _);
        }

        return skip.Count == 0 ? room : hub.Clients.GroupExcept(group, skip);
    }

    /// <summary>The status goes out as the JSON the room published, read once for routing and never serialized again.</summary>
    private async Task OnStatusAsync(PublishedStatus update, CancellationToken cancellationToken)
    {
        if (update.EndReason is null)
        {
            _relayed[update.RoomId] = update.Version;
        }
        else
        {
            _relayed.TryRemove(update.RoomId, out _);
        }

        var group = HubGroups.Room(update.RoomId);
        var room = hub.Clients.Group(group);
        await StatusReceivers(update, group, room).SendAsync(HubMethods.Status, new RawJson(update.StatusJson), cancellationToken);
        if (update.UpdatedAt is { } changedAt)
        {
            metrics.FanoutLag.Record((time.GetUtcNow() - changedAt).TotalSeconds);
        }


        if (update.EndReason is { } reason)
        {
            await room.SendAsync(HubMethods.Ended, new EndedMessage(update.RoomId, update.CallId, reason), cancellationToken);
            closer.CloseLater(connections.Outdated(update.RoomId, update.Version, null), CloseReason.Ended);
        }
        else
        {
            // a removed participant hears why before its connections close (left, kicked, replaced, timeout)
            foreach (var (participantId, why) in update.Removed ?? [])
            {
                await hub.Clients.Group(HubGroups.Participant(participantId))
                    .SendAsync(HubMethods.Removed, new RemovedMessage(update.RoomId, update.CallId, participantId, why), cancellationToken);
            }

            closer.CloseLater(connections.Outdated(update.RoomId, update.Version, update.ParticipantIds), CloseReason.Removed);
        }
    }

    private async Task OnSignalAsync(RedisValue message)
    {
        var cancellationToken = _stopping;
        var signal = JsonSerializer.Deserialize((byte[])message!, SignalJson.Default.SignalEnvelope)!;
        var receiver = hub.Clients.Group(HubGroups.Participant(signal.To));
        await (signal.Kind switch
        {
            SignalEnvelope.Candidate => receiver.SendAsync(HubMethods.Candidate, new CandidateMessage(signal.Target ?? "", signal.Payload), cancellationToken),
            SignalEnvelope.Data => receiver.SendAsync(HubMethods.Data, new DataMessage(signal.From, signal.Type, signal.Payload), cancellationToken),
            SignalEnvelope.Muted => SendMutedAsync(receiver, signal, cancellationToken),
            _ => receiver.SendAsync(HubMethods.Signal, new SignalMessage(signal.From, signal.Type, signal.Payload), cancellationToken),
        });
    }

    /// <summary>A moderator's mute: the <c>muted</c> event, then the <c>signal</c> older clients know.</summary>
    private static async Task SendMutedAsync(IClientProxy receiver, SignalEnvelope signal, CancellationToken cancellationToken)
    {
        var flags = JsonSerializer.Deserialize(signal.Payload, HubJson.Default.DictionaryStringBoolean) ?? [];
        var by = signal.From == SignalEnvelope.Server ? null : signal.From;
        await receiver.SendAsync(HubMethods.Muted,
            new MutedMessage(signal.RoomId, signal.To, by, flags.GetValueOrDefault("audio"), flags.GetValueOrDefault("video")), cancellationToken);
        await receiver.SendAsync(HubMethods.Signal, new SignalMessage(SignalEnvelope.Server, signal.Type, signal.Payload), cancellationToken);
    }
}
