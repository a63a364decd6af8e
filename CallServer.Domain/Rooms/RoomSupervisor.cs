using System.Collections.Concurrent;
using CallServer.Domain.Backup;
using CallServer.Domain.Media;
using CallServer.Domain.Rooms.Commands;
using CallServer.Domain.Supervision;
using Microsoft.Extensions.Options;

namespace CallServer.Domain.Rooms;

/// <summary>
/// The RoomSupervisor of the talk: starts a worker on the first command for a room, restarts it from the backup when its loop
/// throws (OTP "transient"), and ends the room as failed when it crashes more than its restart intensity allows.
/// </summary>
internal sealed class RoomSupervisor(
    IRoomBackup backup,
    IOptions<RoomsOptions> options,
    RoomFaultInjector faults,
    InstanceIdentity instance,
    TimeProvider time,
    IMediaServer media,
    ISignalPublisher signals,
    RoomWakeUps wakeUps,
    InstanceLiveness liveness,
    ILocalConnections connections,
    RoomMediaEvents mediaEvents,
    Telemetry.RoomTelemetry telemetry,
    ILoggerFactory loggers) : IHostedService
{
    private readonly ConcurrentDictionary<string, RoomWorker> _workers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger = loggers.CreateLogger<RoomSupervisor>();
    private readonly RoomWorkerServices _services = new(
        backup, options.Value, faults, instance, liveness.Ttl, time,
        media, signals, wakeUps, liveness, connections, telemetry, loggers.CreateLogger<RoomWorker>());

    /// <summary>How many rooms have a running worker.</summary>
    public int WorkerCount => _workers.Count;

    /// <summary>How many commands wait in the mailboxes of all rooms.</summary>
    public int QueuedCommands => _workers.Values.Sum(w => w.Queued);

    /// <summary>How many hibernated rooms wait for a deadline.</summary>
    public int HibernatedWithDeadline => _services.WakeUps.Count;

    /// <summary>
    /// Sends a command to a room's worker and waits for its acknowledged answer. Every posted command is answered (done,
    /// refused, crashed, or the server stopping), so the wait needs no cancellation of its own: a caller that went away gets
    /// its answer a moment later, and a hub call does not pay for a cancellation registration.
    /// </summary>
    public Task<RoomReply> AskAsync(string roomId, RoomCommand command, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Post(roomId, command);
        var reply = command.Reply!.Task;
        // a change is answered within the backup's bound, whatever waits before it (a failover's reconnects, a queue of
        // commands each waiting out a timeout); media requests wait for the media server, on its own timeouts
        return reply.IsCompleted || command is not RoomChange || _services.Backup.AnswerWithin == Timeout.InfiniteTimeSpan
            ? reply
            : WithinBoundAsync(roomId, reply, _services.Backup.AnswerWithin);
    }

    private static async Task<RoomReply> WithinBoundAsync(string roomId, Task<RoomReply> reply, TimeSpan bound)
    {
        try
        {
            return await reply.WaitAsync(bound);
        }
        catch (TimeoutException)
        {
            throw new RoomException(RoomErrorKind.Unavailable,
                $"Room '{roomId}' did not answer within {bound.TotalSeconds:0.#} s: the backup store is slow or failing over. The change may still be applied; try again.");
        }
    }

    /// <summary>Sends a command to a room's worker, starting one if the room has none.</summary>
    public void Post(string roomId, RoomCommand command)
    {
        if (command.Origin == default && System.Diagnostics.Activity.Current is { } sender)
        {
            command.Origin = sender.Context;
        }

        while (!_stopping.IsCancellationRequested)
        {
            if (!_workers.TryGetValue(roomId, out var worker))
            {
                if (command.StartsRoom && _workers.Count >= _services.Options.MaxLiveRooms)
                {
                    command.Reply.TrySetException(new RoomException(RoomErrorKind.AtCapacity, "This server takes no new room now; try again."));
                    return;
                }

                var started = new RoomWorker(roomId, _services);
                worker = _workers.GetOrAdd(roomId, started);
                if (worker == started)
                {
                    // the worker outlives the request that started it: it must not hold that request's context (its activity,
                    // its logging scopes) for as long as the room lives
                    using (ExecutionContext.SuppressFlow())
                    {
                        _ = Task.Run(() => SuperviseAsync(started));
                    }
                }
            }

            if (worker.TryPost(command))
            {
                return;
            }

            // that worker stopped after its call ended: the next loop starts a new one
            _workers.TryRemove(KeyValuePair.Create(roomId, worker));
        }

        command.Reply.TrySetException(new RoomException(RoomErrorKind.Stopping, "The server is stopping; try again."));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        telemetry.ObserveRooms(() => WorkerCount, () => HibernatedWithDeadline);
        mediaEvents.RouteTo(this);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        foreach (var worker in _workers.Values)
        {
            worker.DrainOnStop();
        }
    }

    private async Task SuperviseAsync(RoomWorker worker)
    {
        var restarts = new RestartIntensity(_services.Options.MaxRestarts, _services.Options.RestartWindow);
        var failFirst = false;
        var reload = false;
        RoomsLog.WorkerStarted(_logger);
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await worker.RunAsync(failFirst, reload, _stopping.Token);
                break;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                break;
            }
            catch (BackupUnavailableException ex)
            {
                // Redis is down, not the room broken: restart from the backup when it answers, without counting it
                RoomsLog.BackupUnavailable(_logger, ex);
                reload = true;
            }
            catch (Exception ex)
            {
                failFirst = restarts.Exceeded(time.GetUtcNow());
                reload = false;
                telemetry.Restarts.Add(1);
                using (_logger.BeginScope(new Dictionary<string, object> { ["RoomId"] = worker.RoomId }))
                {
                    RoomsLog.WorkerCrashed(_logger, ex, worker.CurrentCommand ?? "start", restarts.Count, restarts.MaxRestarts);
                    if (failFirst)
                    {
                        telemetry.Failed.Add(1);
                        RoomsLog.RestartIntensityExceeded(_logger, restarts.MaxRestarts, _services.Options.RestartWindowSeconds);
                        restarts.Reset();
                    }
                }
            }
        }

        _workers.TryRemove(KeyValuePair.Create(worker.RoomId, worker));
        worker.DrainOnStop();
        worker.Dispose();
    }
}
