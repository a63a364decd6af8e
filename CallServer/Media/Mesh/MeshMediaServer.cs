using CallServer.Domain.Media;
namespace CallServer.Media.Mesh;

/// <summary>No media server: participants send their media to each other and the server relays their signalling (hub <c>Signal</c>).</summary>
internal sealed class MeshMediaServer : IMediaServer
{
    private const string NoSfu = "This server runs in mesh mode: peers connect to each other, relay offers, answers and candidates with Signal.";

    public string Mode => MediaModes.Mesh;

    public int Calls => 0;

    public Task<string> PublishAsync(MediaCall call, string participantId, string displayName, string sdpOffer, CancellationToken cancellationToken) =>
        Task.FromException<string>(new MediaException(NoSfu));

    public Task<string> SubscribeAsync(MediaCall call, string subscriberId, string publisherId, CancellationToken cancellationToken) =>
        Task.FromException<string>(new MediaException(NoSfu));

    public Task AnswerAsync(MediaCall call, string subscriberId, string publisherId, string sdpAnswer, CancellationToken cancellationToken) =>
        Task.FromException(new MediaException(NoSfu));

    public Task TrickleAsync(MediaCall call, string participantId, string target, string candidateJson, CancellationToken cancellationToken) =>
        Task.FromException(new MediaException(NoSfu));

    public Task LeaveAsync(MediaCall call, string participantId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CloseAsync(MediaCall call, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<string?> ProblemAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
