namespace CallServer.Domain.Supervision;

/// <summary>
/// The loop of a job that one instance at a time does, by a lease in Redis (the history writer, the webhook sender): hold the
/// lease, do a round, then wait for a wake-up (a status publication: each carries new events) or the round's deadline. While
/// another instance holds the lease it steps down and looks again at a third of the lease, ready to take over when that lease
/// runs out; a failure the job can wait out (the store does not answer) is retried after the delay the job gives; any other
/// failure ends the run, and the supervisor restarts it.
/// </summary>
/// <param name="wake">Set for a round now (new events were published, a lane ended).</param>
internal sealed class LeaderLoop(ILeaderJob job, WakeSignal wake, TimeProvider time)
{
    public async Task RunAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.Zero;
        while (true)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, stopping);
            }

            try
            {
                var round = await job.HoldLeaseAsync(stopping) ? await job.RoundAsync(stopping) : LeaderRound.LostLease;
                if (round.LeaseLost)
                {
                    await job.StepDownAsync();
                    delay = job.Lease / 3;
                    continue;
                }

                delay = TimeSpan.Zero;
                if (round.Wait is { } wait && await wake.WaitAsync(wait, time, stopping) && round.LingerAfterWake > TimeSpan.Zero)
                {
                    // let more events gather after a wake-up: one round for many rather than one for each
                    await Task.Delay(round.LingerAfterWake, time, stopping);
                }
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                if (await job.FailedAsync(ex, delay) is not { } next)
                {
                    // not one to wait out: the run ends with it, and the supervisor restarts it
                    throw;
                }

                delay = next;
            }
        }
    }
}

/// <summary>What a round of a <see cref="LeaderLoop"/> asks for next.</summary>
/// <param name="Wait">How long to wait for a wake-up before the next round; null: the next round at once.</param>
/// <param name="LingerAfterWake">How long to let more work gather after a wake-up.</param>
/// <param name="LeaseLost">The lease ran out during the round: step down.</param>
internal sealed record LeaderRound(TimeSpan? Wait, TimeSpan LingerAfterWake = default, bool LeaseLost = false)
{
    public static readonly LeaderRound Again = new(Wait: null);

    public static readonly LeaderRound LostLease = new(Wait: null, LeaseLost: true);
}

/// <summary>A job that one instance at a time does, run by a <see cref="LeaderLoop"/>.</summary>
internal interface ILeaderJob
{
    /// <summary>How long the lease lasts without renewal.</summary>
    TimeSpan Lease { get; }

    /// <summary>Prepares a round and takes (or renews) the lease; false while another instance holds it.</summary>
    Task<bool> HoldLeaseAsync(CancellationToken stopping);

    /// <summary>One round of the job, while this instance holds the lease.</summary>
    Task<LeaderRound> RoundAsync(CancellationToken stopping);

    /// <summary>Another instance holds the lease (or this one lost it): stop what runs under it.</summary>
    Task StepDownAsync();

    /// <summary>A round failed: the delay before the next try (from <paramref name="previousDelay"/>), or null when the failure is not one to wait out (the run ends).</summary>
    Task<TimeSpan?> FailedAsync(Exception failure, TimeSpan previousDelay);
}
