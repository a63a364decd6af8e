using System.Collections.Concurrent;
using CallServer.Domain.Backup;

namespace CallServer.Domain.Tests.Fakes;

/// <summary>The signal port, keeping what was published.</summary>
internal sealed class RecordedSignals : ISignalPublisher
{
    public ConcurrentQueue<SignalEnvelope> Published { get; } = new();

    public Task PublishAsync(SignalEnvelope signal, CancellationToken cancellationToken)
    {
        Published.Enqueue(signal);
        return Task.CompletedTask;
    }
}
