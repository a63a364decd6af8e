using CallServer.Domain.Media;

namespace CallServer.Domain.Tests.Fakes;

/// <summary>The media port of a mesh server: browsers connect to each other, and SFU requests are refused.</summary>
internal sealed class MeshOnlyMedia : IMediaServer
{
    public string Mode => "mesh";

    public int Calls => 0;

    public Task<string> PublishAsync(MediaCall call, string participantId, string displayName, string sdpOffer, CancellationToken cancellationToken) =>
        throw new NotSupportedException("mesh");

    public Task<string> SubscribeAsync(MediaCall call, string subscriberId, string publisherId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("mesh");

    public Task AnswerAsync(MediaCall call, string subscriberId, string publisherId, string sdpAnswer, CancellationToken cancellationToken) =>
        throw new NotSupportedException("mesh");

    public Task TrickleAsync(MediaCall call, string participantId, string target, string candidateJson, CancellationToken cancellationToken) =>
        throw new NotSupportedException("mesh");

    public Task LeaveAsync(MediaCall call, string participantId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CloseAsync(MediaCall call, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<string?> ProblemAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
