namespace CallServer.Domain.Backup;

/// <summary>Sends a message to a participant, on whichever instance its connection lives; throws <see cref="StoreUnavailableException"/> when it cannot.</summary>
internal interface ISignalPublisher
{
    Task PublishAsync(SignalEnvelope signal, CancellationToken cancellationToken);
}
