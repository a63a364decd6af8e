using System.Collections.Concurrent;
using CallServer.Domain.Media;

namespace CallServer.Media.Sfu;

/// <summary>
/// What the Janus and Kurento adapters share: the calls they hold in the media server's current session, leaving and closing
/// (every release under the call's gate), and a lost session or call (its rooms are told to renegotiate). Each adapter keeps
/// only its own protocol: creating a call's object, publishing, subscribing, answering, trickling, releasing.
/// </summary>
internal abstract class SfuMediaServer<TId, TPublisher, TSubscription>(IMediaEvents events, int maxCalls, ILogger logger) : IMediaServer, IHostedService, IAsyncDisposable
{
    /// <summary>How long a closed call is remembered, so that a request still in flight when it closed cannot bring it back.</summary>
    private static readonly TimeSpan ClosedMemory = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<MediaCall, SfuCall<TId, TPublisher, TSubscription>> _calls = new();
    private readonly ConcurrentDictionary<MediaCall, DateTimeOffset> _closed = new();

    public abstract string Mode { get; }

    public int Calls => _calls.Count;

    /// <summary>The media server's name, for health and messages.</summary>
    protected abstract string ServerName { get; }

    /// <summary>The connection to the media server; its session's generation is the one calls are held in.</summary>
    protected abstract IMediaConnection Connection { get; }

    private int Generation => Connection.Generation;

    protected IMediaEvents Events => events;

    public abstract Task<string> PublishAsync(MediaCall call, string participantId, string displayName, string sdpOffer, CancellationToken cancellationToken);

    public abstract Task<string> SubscribeAsync(MediaCall call, string subscriberId, string publisherId, CancellationToken cancellationToken);

    public abstract Task AnswerAsync(MediaCall call, string subscriberId, string publisherId, string sdpAnswer, CancellationToken cancellationToken);

    public abstract Task TrickleAsync(MediaCall call, string participantId, string target, string candidateJson, CancellationToken cancellationToken);

    public Task<string?> ProblemAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Connection.IsOpen ? null : $"no {ServerName} session");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Connection.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    public async Task LeaveAsync(MediaCall call, string participantId, CancellationToken cancellationToken)
    {
        if (Existing(call) is { } held)
        {
            await ReleaseAsync(await held.TakeParticipantAsync(participantId, cancellationToken));
        }
    }

    public async Task CloseAsync(MediaCall call, CancellationToken cancellationToken)
    {
        // remembered first: a publish that is creating the call's object now sees it, and destroys what it made
        var now = DateTimeOffset.UtcNow;
        _closed[call] = now;
        foreach (var (old, at) in _closed)
        {
            if (at < now - ClosedMemory)
            {
                _closed.TryRemove(KeyValuePair.Create(old, at));
            }
        }

        if (_calls.TryRemove(call, out var held) && held.Generation == Generation)
        {
            await DestroyAsync(held, await held.TakeAllAsync(cancellationToken), cancellationToken);
        }
    }

    /// <summary>Releases a publisher on the media server, quietly (it may be gone already).</summary>
    protected abstract Task ReleasePublisherAsync(TPublisher publisher);

    /// <summary>Releases a subscription on the media server, quietly (it may be gone already).</summary>
    protected abstract Task ReleaseSubscriptionAsync(TSubscription subscription);

    /// <summary>Destroys a call's object on the media server, with what it still held.</summary>
    protected abstract Task DestroyAsync(SfuCall<TId, TPublisher, TSubscription> held, SfuCallMembers<TPublisher, TSubscription> members, CancellationToken cancellationToken);

    /// <summary>The call as held in the current session, or null.</summary>
    protected SfuCall<TId, TPublisher, TSubscription>? Existing(MediaCall call) =>
        _calls.TryGetValue(call, out var held) && held.Generation == Generation ? held : null;

    /// <summary>
    /// The call as held in <paramref name="generation"/>, made with <paramref name="create"/> when it has none; when two first
    /// publishers race, the loser's object is destroyed.
    /// </summary>
    protected async Task<SfuCall<TId, TPublisher, TSubscription>> HeldAsync(
        MediaCall call, int generation, Func<Task<TId>> create, CancellationToken cancellationToken)
    {
        if (_calls.TryGetValue(call, out var existing) && existing.Generation == generation)
        {
            return existing;
        }

        if (_closed.ContainsKey(call))
        {
            throw CallEnded();
        }

        if (_calls.Count >= maxCalls)
        {
            throw new MediaException($"This server holds its maximum of {maxCalls} media calls (Media:MaxCalls).", unavailable: true);
        }

        var created = new SfuCall<TId, TPublisher, TSubscription>(await create(), generation);
        var held = _calls.AddOrUpdate(call, created, (_, current) => current.Generation == generation ? current : created);
        if (held != created)
        {
            await DestroyAsync(created, new SfuCallMembers<TPublisher, TSubscription>(), cancellationToken);
        }

        if (_closed.ContainsKey(call))
        {
            // the call closed while its object was being made: whoever takes it out of the map destroys it
            if (_calls.TryRemove(KeyValuePair.Create(call, held)))
            {
                await DestroyAsync(held, await held.TakeAllAsync(cancellationToken), cancellationToken);
            }

            throw CallEnded();
        }

        return held;
    }

    private static MediaException CallEnded() => new("The call has ended.");

    /// <summary>The session was replaced by <paramref name="generation"/>: every call of an older one lost its media.</summary>
    protected void SessionLost(int generation)
    {
        var lost = _calls.Where(c => c.Value.Generation < generation).Select(c => c.Key).ToList();
        foreach (var call in lost)
        {
            _calls.TryRemove(call, out _);
        }

        SfuLog.CallsLost(logger, Mode, lost.Count);
        foreach (var call in lost)
        {
            events.MediaLost(call);
        }
    }

    /// <summary>The media server no longer knows this call: its participants are asked to renegotiate, and it is rebuilt.</summary>
    protected void CallLost(MediaCall call)
    {
        if (_calls.TryRemove(call, out _))
        {
            events.MediaLost(call);
        }
    }

    /// <summary>The publisher a participant trickles candidates for; refused when it has not published.</summary>
    protected async Task<TPublisher> PublisherAsync(MediaCall call, string participantId, CancellationToken cancellationToken) =>
        Existing(call) is { } held && await held.ReadAsync(m => m.Publishers.TryGetValue(participantId, out var p) ? (true, p) : (false, default!), cancellationToken) is (true, var publisher)
            ? publisher
            : throw new MediaException("Publish before trickling candidates for it.");

    /// <summary>A subscriber's subscription to a publisher; refused when it has not subscribed.</summary>
    protected async Task<TSubscription> SubscriptionAsync(MediaCall call, string subscriberId, string publisherId, CancellationToken cancellationToken) =>
        Existing(call) is { } held && await held.ReadAsync(m => m.Subscriptions.TryGetValue((subscriberId, publisherId), out var s) ? (true, s) : (false, default!), cancellationToken) is (true, var subscription)
            ? subscription
            : throw NotSubscribed(publisherId);

    protected static MediaException NotPublishing(string publisherId) =>
        new($"Unknown publisher '{publisherId}': that participant is not publishing.");

    private static MediaException NotSubscribed(string publisherId) =>
        new($"No subscription to '{publisherId}': Subscribe first.");

    /// <summary>Releases every publisher and subscription of <paramref name="members"/>.</summary>
    protected Task ReleaseAsync(SfuCallMembers<TPublisher, TSubscription> members) =>
        Task.WhenAll(members.Publishers.Values.Select(ReleasePublisherAsync).Concat(members.Subscriptions.Values.Select(ReleaseSubscriptionAsync)));
}
