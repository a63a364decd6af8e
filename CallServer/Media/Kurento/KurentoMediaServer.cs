using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace CallServer.Media.Kurento;

/// <summary>
/// Rooms through Kurento Media Server (the talk's media server), over its JSON-RPC protocol: a MediaPipeline per call, a
/// WebRtcEndpoint per publisher (processOffer) and one per subscription (connected from the publisher's, generateOffer,
/// processAnswer), ICE candidates both ways (IceCandidateFound events, addIceCandidate). When KMS loses the session (a restart:
/// INVALID_SESSION) or an object (MEDIA_OBJECT_NOT_FOUND), the call's clients are asked to renegotiate and it is rebuilt.
/// </summary>
internal sealed class KurentoMediaServer : IMediaServer, IHostedService, IAsyncDisposable
{
    private const string CandidateEvent = "IceCandidateFound";

    private readonly ConcurrentDictionary<MediaCall, KurentoCall> _calls = new();
    private readonly KurentoConnection _kms;
    private readonly IMediaEvents _events;
    private readonly ILogger _logger;

    public KurentoMediaServer(IOptions<MediaOptions> options, IMediaEvents events, TimeProvider time, ILogger<KurentoMediaServer> logger)
    {
        _events = events;
        _logger = logger;
        _kms = new KurentoConnection(options.Value.Kurento, time, logger);
        _kms.SessionLost += OnSessionLost;
    }

    public string Mode => MediaModes.Kurento;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _kms.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => _kms.DisposeAsync();

    public Task<string?> ProblemAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_kms.IsOpen ? null : "no Kurento session");

    public Task<string> PublishAsync(MediaCall call, string participantId, string displayName, string sdpOffer, CancellationToken cancellationToken) =>
        Translate(call, async () =>
        {
            var pipeline = await PipelineAsync(call, cancellationToken);
            await pipeline.Gate.WaitAsync(cancellationToken);
            try
            {
                if (pipeline.Publishers.Remove(participantId, out var old))
                {
                    await _kms.ReleaseQuietlyAsync(old);
                }

                var endpoint = await EndpointAsync(call, pipeline, participantId, MediaTargets.Publish, cancellationToken);
                pipeline.Publishers[participantId] = endpoint;
                var answer = (string?)await _kms.InvokeAsync(endpoint, "processOffer", new JsonObject { ["offer"] = sdpOffer }, cancellationToken)
                    ?? throw new MediaException("Kurento sent no SDP answer.");
                await _kms.InvokeAsync(endpoint, "gatherCandidates", null, cancellationToken);
                return answer;
            }
            finally
            {
                pipeline.Gate.Release();
            }
        });

    public Task<string> SubscribeAsync(MediaCall call, string subscriberId, string publisherId, CancellationToken cancellationToken) =>
        Translate(call, async () =>
        {
            var pipeline = Existing(call) ?? throw NotPublishing(publisherId);
            await pipeline.Gate.WaitAsync(cancellationToken);
            try
            {
                var source = pipeline.Publishers.GetValueOrDefault(publisherId) ?? throw NotPublishing(publisherId);
                if (pipeline.Subscriptions.Remove((subscriberId, publisherId), out var old))
                {
                    await _kms.ReleaseQuietlyAsync(old);
                }

                var endpoint = await EndpointAsync(call, pipeline, subscriberId, publisherId, cancellationToken);
                pipeline.Subscriptions[(subscriberId, publisherId)] = endpoint;
                await _kms.InvokeAsync(source, "connect", new JsonObject { ["sink"] = endpoint }, cancellationToken);
                var offer = (string?)await _kms.InvokeAsync(endpoint, "generateOffer", new JsonObject(), cancellationToken)
                    ?? throw new MediaException("Kurento sent no SDP offer.");
                await _kms.InvokeAsync(endpoint, "gatherCandidates", null, cancellationToken);
                return offer;
            }
            finally
            {
                pipeline.Gate.Release();
            }
        });

    public Task AnswerAsync(MediaCall call, string subscriberId, string publisherId, string sdpAnswer, CancellationToken cancellationToken) =>
        Translate(call, async () =>
        {
            await _kms.InvokeAsync(Subscription(call, subscriberId, publisherId), "processAnswer", new JsonObject { ["answer"] = sdpAnswer }, cancellationToken);
            return "";
        });

    public Task TrickleAsync(MediaCall call, string participantId, string target, string candidateJson, CancellationToken cancellationToken) =>
        Translate(call, async () =>
        {
            var endpoint = target == MediaTargets.Publish
                ? Existing(call)?.Publishers.GetValueOrDefault(participantId) ?? throw new MediaException("Publish before trickling candidates for it.")
                : Subscription(call, participantId, target);
            var given = JsonNode.Parse(candidateJson)!.AsObject();
            // Kurento has no end-of-candidates: the browser's last (empty) candidate is not passed on
            if (given["completed"] is not null || string.IsNullOrEmpty((string?)given["candidate"]))
            {
                return "";
            }

            await _kms.InvokeAsync(endpoint, "addIceCandidate", new JsonObject
            {
                ["candidate"] = new JsonObject
                {
                    ["__module__"] = "kurento",
                    ["__type__"] = "IceCandidate",
                    ["candidate"] = (string?)given["candidate"],
                    ["sdpMid"] = (string?)given["sdpMid"] ?? "0",
                    ["sdpMLineIndex"] = (int?)given["sdpMLineIndex"] ?? 0,
                },
            }, cancellationToken);
            return "";
        });

    public async Task LeaveAsync(MediaCall call, string participantId, CancellationToken cancellationToken)
    {
        if (Existing(call) is not { } pipeline)
        {
            return;
        }

        var endpoints = new List<string>();
        await pipeline.Gate.WaitAsync(cancellationToken);
        try
        {
            if (pipeline.Publishers.Remove(participantId, out var published))
            {
                endpoints.Add(published);
            }

            foreach (var key in pipeline.Subscriptions.Keys.Where(k => k.Subscriber == participantId || k.Publisher == participantId).ToList())
            {
                endpoints.Add(pipeline.Subscriptions[key]);
                pipeline.Subscriptions.Remove(key);
            }
        }
        finally
        {
            pipeline.Gate.Release();
        }

        await Task.WhenAll(endpoints.Select(_kms.ReleaseQuietlyAsync));
    }

    public async Task CloseAsync(MediaCall call, CancellationToken cancellationToken)
    {
        if (_calls.TryRemove(call, out var pipeline) && pipeline.Generation == _kms.Generation)
        {
            // releasing the pipeline releases its endpoints
            foreach (var endpoint in pipeline.Publishers.Values.Concat(pipeline.Subscriptions.Values))
            {
                _kms.Forget(endpoint);
            }

            await _kms.ReleaseQuietlyAsync(pipeline.PipelineId);
        }
    }

    private async Task<KurentoCall> PipelineAsync(MediaCall call, CancellationToken cancellationToken)
    {
        var generation = await _kms.ReadyAsync(cancellationToken);
        if (_calls.TryGetValue(call, out var existing) && existing.Generation == generation)
        {
            return existing;
        }

        var created = new KurentoCall(await _kms.CreateAsync("MediaPipeline", new JsonObject(), cancellationToken), generation);
        var pipeline = _calls.AddOrUpdate(call, created, (_, current) => current.Generation == generation ? current : created);
        if (pipeline != created)
        {
            // another publisher of the same new call made one first
            await _kms.ReleaseQuietlyAsync(created.PipelineId);
        }

        return pipeline;
    }

    /// <summary>A WebRtcEndpoint whose ICE candidates go to <paramref name="participantId"/>'s peer connection <paramref name="target"/>.</summary>
    private async Task<string> EndpointAsync(MediaCall call, KurentoCall pipeline, string participantId, string target, CancellationToken cancellationToken)
    {
        var endpoint = await _kms.CreateAsync("WebRtcEndpoint", new JsonObject { ["mediaPipeline"] = pipeline.PipelineId }, cancellationToken);
        _kms.Listen(endpoint, e =>
        {
            if ((string?)e["type"] == CandidateEvent && e["data"]?["candidate"] is JsonObject candidate)
            {
                _events.CandidateFound(call, participantId, target, new JsonObject
                {
                    ["candidate"] = (string?)candidate["candidate"],
                    ["sdpMid"] = (string?)candidate["sdpMid"],
                    ["sdpMLineIndex"] = (int?)candidate["sdpMLineIndex"],
                }.ToJsonString());
            }
        });
        // subscribed before gathering starts, or the first candidates are lost
        await _kms.CallAsync("subscribe", new JsonObject { ["type"] = CandidateEvent, ["object"] = endpoint }, cancellationToken);
        return endpoint;
    }

    private KurentoCall? Existing(MediaCall call) =>
        _calls.TryGetValue(call, out var pipeline) && pipeline.Generation == _kms.Generation ? pipeline : null;

    private string Subscription(MediaCall call, string subscriberId, string publisherId) =>
        Existing(call)?.Subscriptions.GetValueOrDefault((subscriberId, publisherId))
        ?? throw new MediaException($"No subscription to '{publisherId}': Subscribe first.");

    private void OnSessionLost(int generation)
    {
        var lost = _calls.Where(c => c.Value.Generation < generation).Select(c => c.Key).ToList();
        foreach (var call in lost)
        {
            _calls.TryRemove(call, out _);
        }

        KurentoLog.CallsLost(_logger, lost.Count);
        foreach (var call in lost)
        {
            _events.MediaLost(call);
        }
    }

    private static MediaException NotPublishing(string publisherId) =>
        new($"Unknown publisher '{publisherId}': that participant is not publishing.");

    private async Task<string> Translate(MediaCall call, Func<Task<string>> request)
    {
        try
        {
            return await request();
        }
        catch (KurentoException ex) when (ex.Code is KurentoException.ObjectNotFound or KurentoException.InvalidSession)
        {
            // the call's media is gone on the KMS side: rebuild it from scratch with the clients
            if (_calls.TryRemove(call, out _))
            {
                _events.MediaLost(call);
            }

            throw new MediaException("Kurento lost this call's media; renegotiate.", unavailable: true, ex);
        }
        catch (KurentoException ex)
        {
            throw new MediaException(ex.Message);
        }
    }
}
