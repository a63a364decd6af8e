namespace CallServer.Domain.Supervision;

/// <summary>
/// A long-running child of the <see cref="ServiceSupervisor"/>. It runs until <c>stopping</c> fires; a throw restarts it with
/// backoff, a normal return ends it for good (OTP's "transient" child).
/// </summary>
internal interface ISupervisedService
{
    Task RunAsync(CancellationToken stopping);
}
