namespace CallServer.Domain.Supervision;

/// <summary>Where a supervised service stands, as <c>/health/ready</c> reports it.</summary>
/// <param name="Running">True while its loop runs.</param>
/// <param name="Restarts">Restarts since the process started.</param>
/// <param name="LastError">Why it last crashed, while it is down.</param>
/// <param name="IntensityExceeded">It crashed more often than the restart intensity allows, and is restarted only slowly.</param>
internal sealed record ServiceStatus(bool Running, int Restarts, string? LastError, bool IntensityExceeded);
