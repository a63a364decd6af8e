using System.Text.RegularExpressions;
using CallServer.Backup;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using CallServer.Limits;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace CallServer.Hubs;

/// <summary>
/// The room hub (docs/API.md §5): a thin layer that checks who calls and forwards to the room's worker.
/// Pushes to clients come from the <see cref="Fanout.StatusRelay"/>, never from here.
/// </summary>
[Authorize]
internal sealed partial class RoomHub(
    RoomSupervisor rooms,
    InstanceIdentity instance,
    RoomConnections connections,
    ConnectionCloser closer,
    Fanout.StatusRelay relay,
    Fanout.ConnectionChannels channels,
    RedisKeys keys,
    ISignalPublisher signals,
    IOptions<LimitsOptions> limits,
    Telemetry.ServerMetrics metrics,
    Shutdown.InstanceDrain drain,
    Api.JoinAnswers answers,
    HubCallerLimits callerLimits,
    ILogger<RoomHub> logger) : Hub
{
    public override async Task OnConnectedAsync()
    {
        if (drain.Draining)
        {
            throw HubErrors.Refuse(Errors.ErrorCodes.ServerStopping, "This instance is shutting down: reconnect (to another instance).");
        }

        if (HubJoins.Of(Context.GetHttpContext()) is { } join && HubCaller.TryOf(Context) is null)
        {
            await JoinAsync(join);
            return;
        }

        var caller = HubCaller.Of(Context);
        // this instance listens to the room and the participant before the room hears of the connection (meanwhile, the room
        // says the participant is in it: a departed participant's token, still within its lifetime, is refused here)
        var listening = channels.ListenAsync(Context.ConnectionId, caller.RoomId, caller.ParticipantId, Context.ConnectionAborted);
        try
        {
            await Ask(caller.RoomId, new CheckMember(caller.ParticipantId), CancellationToken.None);
            await listening;
        }
        catch
        {
            await Task.WhenAny(listening);
            channels.Stop(Context.ConnectionId);
            throw;
        }

        Hold(caller.RoomId, caller.ParticipantId);

        RoomReply reply;
        try
        {
            // signals may come as soon as the room says this participant is connected
            await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.Participant(caller.ParticipantId), Context.ConnectionAborted);
            // not cancelled when the client drops meanwhile: SignalR only calls OnDisconnectedAsync after an OnConnectedAsync that
            // completed, and a connect the worker carried out must be followed by its disconnect
            reply = await Ask(caller.RoomId, new ConnectParticipant(caller.ParticipantId, Context.ConnectionId, instance.Id), CancellationToken.None);
            // into the room's group on the relay's lane, with the room's current status first (the one announcing this
            // connection, or newer): no status between the join and the connect is missing behind it
            await relay.CatchUpAsync(caller.RoomId, Context.ConnectionId, reply.Status, Context.ConnectionAborted);
        }
        catch (Exception ex)
        {
            connections.Remove(caller.RoomId, Context.ConnectionId);
            channels.Stop(Context.ConnectionId);
            if (ex is not OperationCanceledException)
            {
                // a connect that timed out may still be applied once the store answers, and no OnDisconnectedAsync follows a
                // failed OnConnectedAsync: its disconnect is posted now (the worker keeps it until the store answers again)
                rooms.Post(caller.RoomId, new DisconnectParticipant(caller.ParticipantId, Context.ConnectionId));
            }

            throw;
        }

        connections.Confirm(caller.RoomId, Context.ConnectionId, reply.Status.Version);
        metrics.HubConnections.Add(1);
    }

    /// <summary>
    /// A join over the hub (§5.1): the join and this connection in one change of the room, then the join's answer
    /// (<c>joined</c>) to the caller, then the room's status as after a connect. As for a connect, the connection is this
    /// instance's, and in its participant's group, before the room hears of it (under the id the join will give the new
    /// participant): the sweep of connections an instance does not hold, the drain and the signals for it all see it.
    /// </summary>
    private async Task JoinAsync(HubJoinRequest join)
    {
        var roomId = join.RoomId;
        var participantId = RoomIds.Unguessable.NewParticipantId();
        var joined = false;
        Hold(roomId, participantId);
        try
        {
            await channels.ListenAsync(Context.ConnectionId, roomId, participantId, Context.ConnectionAborted);
            await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.Participant(participantId), Context.ConnectionAborted);
            RoomReply reply;
            var command = new JoinAndConnect(join.Join with { ParticipantId = participantId }, Context.ConnectionId, instance.Id, RefuseReconnect: p =>
                callerLimits.RefuseParticipant($"{roomId}/{p}") is { } refusal ? $"Too many connections: {refusal.Why}. Try again in {refusal.RetryAfterSeconds} s." : null);
            try
            {
                // not cancelled when the client drops meanwhile: a join the worker carried out must be followed by its disconnect
                reply = await Ask(roomId, command, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not RoomException || ex is RoomException { Kind: RoomErrorKind.Unavailable or RoomErrorKind.Crashed })
            {
                // no answer in time, or the write's outcome unknown: the join may still be applied (or was), so its disconnect
                // follows it at once (by the reserved id: a retried key's participant is left to the sweep)
                rooms.Post(roomId, new DisconnectParticipant(participantId, Context.ConnectionId));
                throw;
            }

            joined = true;
            if (reply.Participant!.ParticipantId != participantId)
            {
                // a retried joinKey: the participant the first join added takes this connection
                var reserved = participantId;
                participantId = reply.Participant.ParticipantId;
                await channels.ListenToParticipantAsync(Context.ConnectionId, roomId, participantId, CancellationToken.None);
                channels.Stop(Context.ConnectionId, keys.ParticipantChannel(roomId, reserved));
                await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.Participant(participantId), CancellationToken.None);
                await Groups.RemoveFromGroupAsync(Context.ConnectionId, HubGroups.Participant(reserved), CancellationToken.None);
                Hold(roomId, participantId);
            }

            HubCaller.Joined(Context, new HubCaller(roomId, participantId));
            await Clients.Caller.SendAsync(HubMethods.Joined, answers.For(roomId, reply), Context.ConnectionAborted);
            await relay.CatchUpAsync(roomId, Context.ConnectionId, reply.Status, Context.ConnectionAborted);
            connections.Confirm(roomId, Context.ConnectionId, reply.Status.Version);
        }
        catch
        {
            connections.Remove(roomId, Context.ConnectionId);
            channels.Stop(Context.ConnectionId);
            if (joined)
            {
                rooms.Post(roomId, new DisconnectParticipant(participantId, Context.ConnectionId));
            }

            throw;
        }

        metrics.HubConnections.Add(1);
    }

    /// <summary>
    /// Holds this connection as <paramref name="participantId"/>'s on this instance. At the cap the newest connection is the
    /// live one (a reconnect), and the oldest, most likely one the network dropped, is closed.
    /// </summary>
    private void Hold(string roomId, string participantId)
    {
        if (connections.Add(roomId, participantId, Context, limits.Value.ConnectionsPerParticipant) is { } oldest)
        {
            LimitsLog.OldestConnectionClosed(logger, participantId, oldest.ConnectionId, limits.Value.ConnectionsPerParticipant);
            closer.CloseLater([oldest], CloseReason.ReplacedByNewerConnection);
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        var caller = HubCaller.Of(Context);
        metrics.HubConnections.Add(-1);
        connections.Remove(caller.RoomId, Context.ConnectionId);
        channels.Stop(Context.ConnectionId);
        rooms.Post(caller.RoomId, new DisconnectParticipant(caller.ParticipantId, Context.ConnectionId));
        return Task.CompletedTask;
    }

    /// <summary>The room's current status, for a participant still in it (a removed one's open connection is refused).</summary>
    public async Task<RoomStatus> GetStatus()
    {
        var caller = HubCaller.Of(Context);
        return (await Ask(caller.RoomId, new GetStatus(Caller: caller.ParticipantId))).Status;
    }

    public async Task<RoomStatus> SetMedia(bool audio, bool video)
    {
        var caller = HubCaller.Of(Context);
        return (await Ask(caller.RoomId, new SetMedia(caller.ParticipantId, audio, video))).Status;
    }

    public async Task Signal(string toParticipantId, string type, string payload)
    {
        if (string.IsNullOrEmpty(toParticipantId) || toParticipantId.Length > 64)
        {
            throw HubErrors.Invalid("toParticipantId must be a participant id of this room.");
        }

        if (string.IsNullOrEmpty(type) || !SignalType().IsMatch(type))
        {
            throw HubErrors.Invalid("type must be 1-32 letters, digits, '_' or '-' (offer, answer, candidate, or an app-defined word).");
        }

        if (payload is null || payload.Length > HubLimits.MaxSignalPayload)
        {
            throw HubErrors.Invalid($"payload is required and at most {HubLimits.MaxSignalPayload} characters.");
        }

        var caller = HubCaller.Of(Context);
        await Ask(caller.RoomId, new CheckPeers(caller.ParticipantId, toParticipantId, Offer: type == "offer"));
        try
        {
            await signals.PublishAsync(new SignalEnvelope(caller.RoomId, toParticipantId, caller.ParticipantId, type, payload), Context.ConnectionAborted);
        }
        catch (StoreUnavailableException)
        {
            throw HubErrors.Refuse(Errors.ErrorCodes.StoreUnavailable, "The signal could not be relayed: the backup store is unavailable. Try again.");
        }
    }

    /// <summary>SFU modes: publishes the caller's media; returns the media server's SDP answer.</summary>
    public async Task<string> Publish(string sdpOffer)
    {
        var caller = HubCaller.Of(Context);
        return (await Ask(caller.RoomId, new PublishMedia(caller.ParticipantId, sdpOffer ?? ""))).Sdp!;
    }

    /// <summary>SFU modes: subscribes to a publisher; returns the media server's SDP offer (answer it with <see cref="Answer"/>).</summary>
    public async Task<string> Subscribe(string publisherId)
    {
        var caller = HubCaller.Of(Context);
        return (await Ask(caller.RoomId, new SubscribeMedia(caller.ParticipantId, publisherId ?? ""))).Sdp!;
    }

    public async Task Answer(string publisherId, string sdpAnswer)
    {
        var caller = HubCaller.Of(Context);
        await Ask(caller.RoomId, new AnswerMedia(caller.ParticipantId, publisherId ?? "", sdpAnswer ?? ""));
    }

    /// <summary>SFU modes: a client ICE candidate for <c>publish</c> or for the subscription to a publisher.</summary>
    public async Task Trickle(string target, string candidateJson)
    {
        var caller = HubCaller.Of(Context);
        await Ask(caller.RoomId, new TrickleMedia(caller.ParticipantId, target ?? "", candidateJson ?? ""));
    }

    public async Task Leave()
    {
        var caller = HubCaller.Of(Context);
        await Ask(caller.RoomId, new LeaveRoom(caller.ParticipantId));
    }

    /// <summary>Asks the room; what it refuses fails the call through <see cref="RefusalHubFilter"/>.</summary>
    private Task<RoomReply> Ask(string roomId, RoomCommand command, CancellationToken? cancellationToken = null) =>
        rooms.AskAsync(roomId, command, cancellationToken ?? Context.ConnectionAborted);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex SignalType();
}
