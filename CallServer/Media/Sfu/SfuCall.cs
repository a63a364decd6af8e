using CallServer.Domain.Media;
namespace CallServer.Media.Sfu;

/// <summary>
/// What an SFU adapter holds for one call in its media server's current session: the call's object there (a Janus VideoRoom,
/// a Kurento MediaPipeline), one publisher per participant and one object per subscription. The publishers and subscriptions
/// are reached only with the call's gate held (<see cref="LockedAsync{T}"/>), closing included.
/// </summary>
internal sealed class SfuCall<TId, TPublisher, TSubscription>(TId id, int generation)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SfuCallMembers<TPublisher, TSubscription> _members = new();
    private readonly HashSet<string> _gone = new(StringComparer.Ordinal);
    private bool _closed;

    /// <summary>The call's object on the media server.</summary>
    public TId Id { get; } = id;

    /// <summary>The media server session the call lives in; a newer session has none of it.</summary>
    public int Generation { get; } = generation;

    /// <summary>
    /// Runs <paramref name="work"/> for <paramref name="participantId"/> with the call's gate held: one change of its members at a
    /// time. Refused once the call was closed, or the participant left it, so that nothing is added for someone whose media
    /// is gone (or going) from the media server: a request in flight when they left would leave it there.
    /// </summary>
    public Task<T> LockedAsync<T>(string participantId, Func<SfuCallMembers<TPublisher, TSubscription>, Task<T>> work, CancellationToken cancellationToken) =>
        GatedAsync(
            members => _closed ? throw new MediaException("The call has ended.")
                : _gone.Contains(participantId) ? throw new MediaException("The participant has left the call.")
                : work(members),
            cancellationToken);

    /// <summary>Reads the call's members with the gate held.</summary>
    public Task<T> ReadAsync<T>(Func<SfuCallMembers<TPublisher, TSubscription>, T> read, CancellationToken cancellationToken) =>
        GatedAsync(members => Task.FromResult(read(members)), cancellationToken);

    /// <summary>Takes out what <paramref name="participantId"/> had: its publisher, and the subscriptions from or to it.</summary>
    public Task<SfuCallMembers<TPublisher, TSubscription>> TakeParticipantAsync(string participantId, CancellationToken cancellationToken) =>
        ReadAsync(members =>
        {
            _gone.Add(participantId);
            return members.Take(k => k == participantId, k => k.Subscriber == participantId || k.Publisher == participantId);
        }, cancellationToken);

    /// <summary>Takes out everything the call had, and closes it: nothing can be added afterwards.</summary>
    public Task<SfuCallMembers<TPublisher, TSubscription>> TakeAllAsync(CancellationToken cancellationToken) =>
        ReadAsync(members =>
        {
            _closed = true;
            return members.Take(_ => true, _ => true);
        }, cancellationToken);

    private async Task<T> GatedAsync<T>(Func<SfuCallMembers<TPublisher, TSubscription>, Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await work(_members);
        }
        finally
        {
            _gate.Release();
        }
    }
}
