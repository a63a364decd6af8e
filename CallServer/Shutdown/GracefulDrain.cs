using System.Diagnostics;
using CallServer.Domain.Rooms;
using CallServer.Hubs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace CallServer.Shutdown;

/// <summary>
/// Graceful drain on SIGTERM, before anything else stops: readiness turns
/// false and new rooms and connections are refused; every hub connection here hears <c>signal</c> from <c>server</c>, type
/// <c>reconnect</c>, and is closed a moment later, so that its client reconnects to another instance; the commands in flight
/// (the disconnects among them) finish. All within <c>Shutdown:DrainSeconds</c>; then the host stops as usual.
/// On SIGTERM the host signals <see cref="IHostApplicationLifetime.ApplicationStopping"/> first, where SignalR closes every
/// connection at once: the drain runs in a callback registered after SignalR's, which runs before it (last in, first out).
/// </summary>
internal sealed class GracefulDrain(
    InstanceDrain drain, RoomConnections connections, IHubContext<RoomHub> hub, ConnectionCloser closer, RoomSupervisor rooms, IHostApplicationLifetime lifetime,
    IOptions<ShutdownOptions> options, ILogger<GracefulDrain> logger) : IHostedLifecycleService
{
    /// <summary>Time for the load balancer to see readiness fail, and for clients to read the reconnect signal, before the close.</summary>
    private static readonly TimeSpan NoticePeriod = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private Task? _drained;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        // blocks the stopping signal until drained, so that SignalR's own callback (registered earlier, so run later) finds
        // every connection told and closed already
        lifetime.ApplicationStopping.Register(() => Drained().Wait(TimeSpan.FromSeconds(options.Value.DrainSeconds)));
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Drained().WaitAsync(cancellationToken);

    /// <summary>The drain, started once by whichever comes first: the stopping signal or the host's stop.</summary>
    private Task Drained()
    {
        lock (_gate)
        {
            return _drained ??= Task.Run(DrainAsync);
        }
    }

    /// <summary>Not cancellable: once begun it runs to its own deadline (<c>Shutdown:DrainSeconds</c>), whoever waits for it.</summary>
    private async Task DrainAsync()
    {
        // what stops after the drain (requests in flight, workers, services, Kestrel) has Shutdown:StopSeconds of its own
        // wall-clock time, whatever clock the rooms run on: an orchestrator's grace period is real seconds
        var deadline = Stopwatch.GetTimestamp() + (long)(options.Value.DrainSeconds * (double)Stopwatch.Frequency);
        drain.Begin();
        var held = connections.All();
        ShutdownLog.Draining(logger, held.Count, options.Value.DrainSeconds);
        // bounded: a client that reads nothing must not hold the drain
        using var notice = new CancellationTokenSource();
        notice.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, options.Value.DrainSeconds / 2.0)));
        try
        {
            if (held.Count > 0)
            {
                await hub.Clients.Clients([.. held.Select(c => c.ConnectionId)])
                    .SendAsync(HubMethods.Signal, new SignalMessage("server", "reconnect", "draining"), notice.Token);
                await closer.NoticeAsync(held, CloseReason.Draining, notice.Token);
            }

            // also with no connection: the load balancer sees readiness fail before the listener goes
            await Task.Delay(NoticePeriod, notice.Token);
        }
        catch (OperationCanceledException)
        {
            // out of time for the notice: close now
        }

        foreach (var connection in held)
        {
            connection.Abort();
        }

        // the disconnects those closes post, and whatever else was asked before the SIGTERM, are answered before the workers stop;
        // a connection that was still connecting when the drain began is closed as it shows up
        while (Stopwatch.GetTimestamp() < deadline && (rooms.QueuedCommands > 0 || connections.Count > 0))
        {
            foreach (var late in connections.All())
            {
                late.Abort();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }

        ShutdownLog.Drained(logger, rooms.QueuedCommands, connections.Count);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
