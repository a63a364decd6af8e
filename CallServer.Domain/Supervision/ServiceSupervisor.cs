using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CallServer.Domain.Supervision;

/// <summary>
/// Supervises every long-running service the way <c>RoomSupervisor</c> supervises rooms: a service that throws is restarted
/// with exponential backoff and jitter, restarts are counted in a window (restart intensity), each is logged, and the service
/// shows as down in <c>/health/ready</c> until it runs again. A failing service never stops the host; a service that cannot
/// be built (bad configuration) stops the start, as the dependency injection error names it.
/// </summary>
internal sealed class ServiceSupervisor(
    IEnumerable<SupervisedChild> children, IOptions<SupervisionOptions> options, TimeProvider time, ILogger<ServiceSupervisor> logger)
    : IHostedService
{
    private readonly SupervisedChild[] _children = [.. children];
    private readonly ConcurrentDictionary<string, ServiceStatus> _status = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _runs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task[] _running = [];

    /// <summary>Where <paramref name="name"/> stands; null for no such service.</summary>
    public ServiceStatus? StatusOf(string name) => _status.TryGetValue(name, out var status) ? status : null;

    /// <summary>Ends a service's current run as a crash (OTP's <c>exit(pid, :kill)</c>), so that it is restarted; false when it is not running.</summary>
    public bool Kill(string name)
    {
        if (!_runs.TryGetValue(name, out var run))
        {
            return false;
        }

        try
        {
            run.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // that run ended meanwhile
            return false;
        }

        SupervisionLog.ServiceKilled(logger, name);
        return true;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // each child outlives the start-up: it must not hold the host's start-up context
        using (ExecutionContext.SuppressFlow())
        {
            _running = [.. _children.Select(child => Task.Run(() => SuperviseAsync(child, _stopping.Token), CancellationToken.None))];
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_running).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // the host gave up waiting; the children end with the stopping token anyway
        }
    }

    private async Task SuperviseAsync(SupervisedChild child, CancellationToken stopping)
    {
        var settings = options.Value;
        var restarts = new RestartIntensity(settings.MaxRestarts, TimeSpan.FromSeconds(settings.RestartWindowSeconds));
        var total = 0;
        var inARow = 0;
        while (!stopping.IsCancellationRequested)
        {
            using var run = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            _runs[child.Name] = run;
            _status[child.Name] = new ServiceStatus(true, total, null, false);
            var startedAt = time.GetUtcNow();
            Exception? crash;
            try
            {
                await child.Service.RunAsync(run.Token);
                if (!run.IsCancellationRequested || stopping.IsCancellationRequested)
                {
                    SupervisionLog.ServiceFinished(logger, child.Name);
                    break;
                }

                crash = new OperationCanceledException($"Service {child.Name} was killed.");
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                crash = ex;
            }
            finally
            {
                _runs.TryRemove(KeyValuePair.Create(child.Name, run));
            }

            var now = time.GetUtcNow();
            inARow = now - startedAt >= TimeSpan.FromSeconds(settings.StableAfterSeconds) ? 1 : inARow + 1;
            var exceeded = restarts.Exceeded(now);
            total++;
            var delay = exceeded ? settings.MaxBackoff : Backoff(settings, inARow);
            _status[child.Name] = new ServiceStatus(false, total, $"{crash.GetType().Name}: {crash.Message}", exceeded);
            if (exceeded)
            {
                SupervisionLog.RestartIntensityExceeded(logger, child.Name, settings.MaxRestarts, settings.RestartWindowSeconds, (long)delay.TotalMilliseconds);
            }
            else
            {
                SupervisionLog.ServiceCrashed(logger, crash, child.Name, restarts.Count, (long)delay.TotalMilliseconds);
            }

            try
            {
                await Task.Delay(delay, time, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            SupervisionLog.ServiceRestarted(logger, child.Name);
        }

        _status[child.Name] = new ServiceStatus(false, total, null, false);
    }

    /// <summary>Doubles from the minimum with each crash in a row, up to the maximum, with ±20% jitter so that services do not retry in step.</summary>
    private static TimeSpan Backoff(SupervisionOptions settings, int inARow) => RetryBackoff.After(inARow, settings.MinBackoff, settings.MaxBackoff);
}
