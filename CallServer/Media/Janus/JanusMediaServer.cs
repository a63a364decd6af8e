using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace CallServer.Media.Janus;

/// <summary>
/// Rooms through Janus's VideoRoom plugin: one VideoRoom per call, a publisher handle per participant, a subscriber handle per
/// subscription, trickle ICE both ways. When the Janus session is lost (restart, dropped connection), every call's media is
/// gone: once a new session is open the rooms are told (<see cref="IMediaEvents.MediaLost"/>) and rebuild as clients publish again.
/// </summary>
internal sealed class JanusMediaServer : IMediaServer, IHostedService, IAsyncDisposable
{
    private readonly ConcurrentDictionary<MediaCall, JanusCall> _calls = new();
    private readonly JanusConnection _janus;
    private readonly IMediaEvents _events;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;

    public JanusMediaServer(IOptions<MediaOptions> options, IMediaEvents events, TimeProvider time, ILogger<JanusMediaServer> logger)
    {
        _events = events;
        _logger = logger;
        _timeout = TimeSpan.FromSeconds(options.Value.Janus.RequestTimeoutSeconds);
        _janus = new JanusConnection(options.Value.Janus, time, logger);
        _janus.SessionOpened += OnSessionOpened;
    }

    public string Mode => MediaModes.Janus;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _janus.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => _janus.DisposeAsync();

    public Task<string?> ProblemAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_janus.IsOpen ? null : "no Janus session");

    public Task<string> PublishAsync(MediaCall call, string participantId, string displayName, string sdpOffer, CancellationToken cancellationToken) =>
        Translate(async () =>
        {
            var room = await RoomAsync(call, cancellationToken);
            await room.Gate.WaitAsync(cancellationToken);
            try
            {
                if (room.Publishers.Remove(participantId, out var old))
                {
                    await _janus.DetachQuietlyAsync(old.HandleId);
                }

                var publisher = new JanusPublisher(await _janus.AttachAsync(cancellationToken));
                _janus.Listen(publisher.HandleId, e => OnEvent(call, participantId, MediaTargets.Publish, e, publisher));
                room.Publishers[participantId] = publisher;
                var joined = await _janus.MessageAsync(publisher.HandleId, new JsonObject
                {
                    ["request"] = "join",
                    ["ptype"] = "publisher",
                    ["room"] = room.RoomId,
                    ["display"] = displayName,
                }, null, JanusCompletion.Event, cancellationToken);
                publisher.FeedId = joined["plugindata"]!["data"]!["id"]!.GetValue<long>();
                var configured = await _janus.MessageAsync(publisher.HandleId, new JsonObject { ["request"] = "publish" },
                    new JsonObject { ["type"] = "offer", ["sdp"] = sdpOffer }, JanusCompletion.Event, cancellationToken);
                return (string?)configured["jsep"]?["sdp"] ?? throw new MediaException("Janus accepted the offer but sent no answer.");
            }
            finally
            {
                room.Gate.Release();
            }
        });

    public Task<string> SubscribeAsync(MediaCall call, string subscriberId, string publisherId, CancellationToken cancellationToken) =>
        Translate(async () =>
        {
            var room = Existing(call) ?? throw NotPublishing(publisherId);
            JanusPublisher publisher;
            await room.Gate.WaitAsync(cancellationToken);
            try
            {
                publisher = room.Publishers.GetValueOrDefault(publisherId) ?? throw NotPublishing(publisherId);
            }
            finally
            {
                room.Gate.Release();
            }

            try
            {
                // Janus lists a publisher once its peer connection is up
                await publisher.Up.Task.WaitAsync(_timeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw new MediaException($"Publisher '{publisherId}' has not started sending media yet; subscribe again when it has.");
            }

            await room.Gate.WaitAsync(cancellationToken);
            try
            {
                if (room.Subscriptions.Remove((subscriberId, publisherId), out var old))
                {
                    await _janus.DetachQuietlyAsync(old);
                }

                var handle = await _janus.AttachAsync(cancellationToken);
                _janus.Listen(handle, e => OnEvent(call, subscriberId, publisherId, e, null));
                room.Subscriptions[(subscriberId, publisherId)] = handle;
                var attached = await _janus.MessageAsync(handle, new JsonObject
                {
                    ["request"] = "join",
                    ["ptype"] = "subscriber",
                    ["room"] = room.RoomId,
                    ["streams"] = new JsonArray(new JsonObject { ["feed"] = publisher.FeedId }),
                }, null, JanusCompletion.Event, cancellationToken);
                return (string?)attached["jsep"]?["sdp"] ?? throw new MediaException("Janus sent no offer for the subscription.");
            }
            finally
            {
                room.Gate.Release();
            }
        });

    public Task AnswerAsync(MediaCall call, string subscriberId, string publisherId, string sdpAnswer, CancellationToken cancellationToken) =>
        Translate(async () =>
        {
            var handle = SubscriptionHandle(call, subscriberId, publisherId);
            await _janus.MessageAsync(handle, new JsonObject { ["request"] = "start" },
                new JsonObject { ["type"] = "answer", ["sdp"] = sdpAnswer }, JanusCompletion.Event, cancellationToken);
            return "";
        });

    public Task TrickleAsync(MediaCall call, string participantId, string target, string candidateJson, CancellationToken cancellationToken) =>
        Translate(async () =>
        {
            var handle = target == MediaTargets.Publish
                ? (Existing(call)?.Publishers.GetValueOrDefault(participantId)?.HandleId ?? throw new MediaException("Publish before trickling candidates for it."))
                : SubscriptionHandle(call, participantId, target);
            await _janus.RequestAsync(new JsonObject { ["janus"] = "trickle", ["handle_id"] = handle, ["candidate"] = Candidate(candidateJson) },
                JanusCompletion.Ack, cancellationToken);
            return "";
        });

    public async Task LeaveAsync(MediaCall call, string participantId, CancellationToken cancellationToken)
    {
        if (Existing(call) is not { } room)
        {
            return;
        }

        var handles = new List<long>();
        await room.Gate.WaitAsync(cancellationToken);
        try
        {
            if (room.Publishers.Remove(participantId, out var publisher))
            {
                handles.Add(publisher.HandleId);
            }

            foreach (var key in room.Subscriptions.Keys.Where(k => k.Subscriber == participantId || k.Publisher == participantId).ToList())
            {
                handles.Add(room.Subscriptions[key]);
                room.Subscriptions.Remove(key);
            }
        }
        finally
        {
            room.Gate.Release();
        }

        await Task.WhenAll(handles.Select(_janus.DetachQuietlyAsync));
    }

    public async Task CloseAsync(MediaCall call, CancellationToken cancellationToken)
    {
        if (!_calls.TryRemove(call, out var room) || room.Generation != _janus.Generation)
        {
            return;
        }

        var handles = room.Publishers.Values.Select(p => p.HandleId).Concat(room.Subscriptions.Values).ToList();
        await Task.WhenAll(handles.Select(_janus.DetachQuietlyAsync));
        try
        {
            var admin = await _janus.AttachAsync(cancellationToken);
            await _janus.MessageAsync(admin, new JsonObject { ["request"] = "destroy", ["room"] = room.RoomId }, null, JanusCompletion.Success, cancellationToken);
            await _janus.DetachQuietlyAsync(admin);
        }
        catch (JanusException)
        {
            // the room went with its last participant, or with Janus
        }
    }

    /// <summary>The call's VideoRoom in the current session, created on its first publisher.</summary>
    private async Task<JanusCall> RoomAsync(MediaCall call, CancellationToken cancellationToken)
    {
        var (_, generation) = await _janus.ReadyAsync(cancellationToken);
        if (_calls.TryGetValue(call, out var existing) && existing.Generation == generation)
        {
            return existing;
        }

        var room = new JanusCall(Random.Shared.NextInt64(1, 1L << 52), generation);
        var admin = await _janus.AttachAsync(cancellationToken);
        try
        {
            await _janus.MessageAsync(admin, new JsonObject
            {
                ["request"] = "create",
                ["room"] = room.RoomId,
                ["permanent"] = false,
                ["description"] = $"{call.RoomId} {call.CallId}",
                ["publishers"] = 64,
            }, null, JanusCompletion.Success, cancellationToken);
        }
        finally
        {
            await _janus.DetachQuietlyAsync(admin);
        }

        // two publishers of a new call may race here: the first room wins, the other is destroyed with the session
        return _calls.AddOrUpdate(call, room, (_, current) => current.Generation == generation ? current : room);
    }

    private JanusCall? Existing(MediaCall call) =>
        _calls.TryGetValue(call, out var room) && room.Generation == _janus.Generation ? room : null;

    private long SubscriptionHandle(MediaCall call, string subscriberId, string publisherId) =>
        Existing(call)?.Subscriptions.GetValueOrDefault((subscriberId, publisherId)) is { } handle and not 0
            ? handle
            : throw new MediaException($"No subscription to '{publisherId}': Subscribe first.");

    private void OnEvent(MediaCall call, string participantId, string target, JsonObject message, JanusPublisher? publisher)
    {
        switch ((string?)message["janus"])
        {
            case "webrtcup":
                publisher?.Up.TrySetResult();
                break;
            case "trickle" when message["candidate"] is JsonObject candidate && candidate["completed"] is null:
                // full-trickle Janus sends its candidates instead of putting them in its SDP
                _events.CandidateFound(call, participantId, target, candidate.ToJsonString());
                break;
        }
    }

    private void OnSessionOpened(int generation)
    {
        if (generation <= 1)
        {
            return;
        }

        var lost = _calls.Where(c => c.Value.Generation < generation).Select(c => c.Key).ToList();
        foreach (var call in lost)
        {
            _calls.TryRemove(call, out _);
        }

        JanusLog.RoomsLost(_logger, lost.Count);
        foreach (var call in lost)
        {
            _events.MediaLost(call);
        }
    }

    private static JsonObject Candidate(string json)
    {
        var given = JsonNode.Parse(json)!.AsObject();
        if (given["completed"] is not null)
        {
            return new JsonObject { ["completed"] = true };
        }

        // Janus takes candidate, sdpMid and sdpMLineIndex; the browser adds fields it does not know
        return new JsonObject { ["candidate"] = given["candidate"]?.DeepClone(), ["sdpMid"] = given["sdpMid"]?.DeepClone(), ["sdpMLineIndex"] = given["sdpMLineIndex"]?.DeepClone() };
    }

    private static MediaException NotPublishing(string publisherId) =>
        new($"Unknown publisher '{publisherId}': that participant is not publishing.");

    private static async Task<string> Translate(Func<Task<string>> request)
    {
        try
        {
            return await request();
        }
        catch (JanusException ex) when (ex.Code is JanusException.SessionNotFound or JanusException.HandleNotFound)
        {
            throw new MediaException("Janus lost this call's media; renegotiate.", unavailable: true, ex);
        }
        catch (JanusException ex)
        {
            throw new MediaException(ex.Message);
        }
    }
}
