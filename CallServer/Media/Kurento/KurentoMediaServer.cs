using System.Text.Json.Nodes;
using CallServer.Domain.Media;
using CallServer.Media.Sfu;
using Microsoft.Extensions.Options;

namespace CallServer.Media.Kurento;

/// <summary>
/// Rooms through Kurento Media Server (the talk's media server), over its JSON-RPC protocol: a MediaPipeline per call, a
/// WebRtcEndpoint per publisher (processOffer) and one per subscription (connected from the publisher's, generateOffer,
/// processAnswer), ICE candidates both ways (IceCandidateFound events, addIceCandidate). When KMS loses the session (a restart:
/// INVALID_SESSION) or an object (MEDIA_OBJECT_NOT_FOUND), the call's clients are asked to renegotiate and it is rebuilt.
/// </summary>
internal sealed class KurentoMediaServer : SfuMediaServer<string, string, string>
{
    private const string CandidateEvent = "IceCandidateFound";

    private readonly KurentoConnection _kms;

    public KurentoMediaServer(IOptions<MediaOptions> options, IMediaEvents events, TimeProvider time, ILogger<KurentoMediaServer> logger)
        : base(events, options.Value.MaxCalls, logger)
    {
        _kms = new KurentoConnection(options.Value.Kurento, time, logger);
        _kms.SessionLost += SessionLost;
    }

    public override string Mode => MediaModes.Kurento;

    protected override string ServerName => "Kurento";

    protected override IMediaConnection Connection => _kms;

    public override Task<string> PublishAsync(MediaCall call, string participantId, string displayName, string sdpOffer, CancellationToken cancellationToken) =>
        Translate(call, async () =>
        {
            var generation = await _kms.ReadyAsync(cancellationToken);
            var pipeline = await HeldAsync(call, generation, () => _kms.CreateAsync("MediaPipeline", new JsonObject(), cancellationToken), cancellationToken);
            return await pipeline.LockedAsync(participantId, async members =>
            {
                if (members.Publishers.Remove(participantId, out var old))
                {
                    await _kms.ReleaseQuietlyAsync(old);
                }

                var endpoint = await EndpointAsync(call, pipeline.Id, participantId, MediaTargets.Publish, cancellationToken);
                members.Publishers[participantId] = endpoint;
                var answer = (string?)await _kms.InvokeAsync(endpoint, "processOffer", new JsonObject { ["offer"] = sdpOffer }, cancellationToken)
                    ?? throw new MediaException("Kurento sent no SDP answer.");
                await _kms.InvokeAsync(endpoint, "gatherCandidates", null, cancellationToken);
                return answer;
            }, cancellationToken);
        });

    public override Task<string> SubscribeAsync(MediaCall call, string subscriberId, string publisherId, CancellationToken cancellationToken) =>
        Translate(call, async () =>
        {
            var pipeline = Existing(call) ?? throw NotPublishing(publisherId);
            return await pipeline.LockedAsync(subscriberId, async members =>
            {
                var source = members.Publishers.GetValueOrDefault(publisherId) ?? throw NotPublishing(publisherId);
                if (members.Subscriptions.Remove((subscriberId, publisherId), out var old))
                {
                    await _kms.ReleaseQuietlyAsync(old);
                }

                var endpoint = await EndpointAsync(call, pipeline.Id, subscriberId, publisherId, cancellationToken);
                members.Subscriptions[(subscriberId, publisherId)] = endpoint;
                await _kms.InvokeAsync(source, "connect", new JsonObject { ["sink"] = endpoint }, cancellationToken);
                var offer = (string?)await _kms.InvokeAsync(endpoint, "generateOffer", new JsonObject(), cancellationToken)
                    ?? throw new MediaException("Kurento sent no SDP offer.");
                await _kms.InvokeAsync(endpoint, "gatherCandidates", null, cancellationToken);
                return offer;
            }, cancellationToken);
        });

    public override Task AnswerAsync(MediaCall call, string subscriberId, string publisherId, string sdpAnswer, CancellationToken cancellationToken) =>
        Translate(call, async () =>
        {
            var endpoint = await SubscriptionAsync(call, subscriberId, publisherId, cancellationToken);
            await _kms.InvokeAsync(endpoint, "processAnswer", new JsonObject { ["answer"] = sdpAnswer }, cancellationToken);
            return "";
        });

    public override Task TrickleAsync(MediaCall call, string participantId, string target, string candidateJson, CancellationToken cancellationToken) =>
        Translate(call, async () =>
        {
            var endpoint = target == MediaTargets.Publish
                ? await PublisherAsync(call, participantId, cancellationToken)
                : await SubscriptionAsync(call, participantId, target, cancellationToken);
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

    protected override Task ReleasePublisherAsync(string endpoint) => _kms.ReleaseQuietlyAsync(endpoint);

    protected override Task ReleaseSubscriptionAsync(string endpoint) => _kms.ReleaseQuietlyAsync(endpoint);

    protected override async Task DestroyAsync(SfuCall<string, string, string> held, SfuCallMembers<string, string> members, CancellationToken cancellationToken)
    {
        // releasing the pipeline releases its endpoints
        foreach (var endpoint in members.Publishers.Values.Concat(members.Subscriptions.Values))
        {
            _kms.Forget(endpoint);
        }

        await _kms.ReleaseQuietlyAsync(held.Id);
    }

    /// <summary>A WebRtcEndpoint whose ICE candidates go to <paramref name="participantId"/>'s peer connection <paramref name="target"/>.</summary>
    private async Task<string> EndpointAsync(MediaCall call, string pipelineId, string participantId, string target, CancellationToken cancellationToken)
    {
        var endpoint = await _kms.CreateAsync("WebRtcEndpoint", new JsonObject { ["mediaPipeline"] = pipelineId }, cancellationToken);
        _kms.Listen(endpoint, e =>
        {
            if ((string?)e["type"] == CandidateEvent && e["data"]?["candidate"] is JsonObject candidate)
            {
                Events.CandidateFound(call, participantId, target, new JsonObject
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

    private async Task<string> Translate(MediaCall call, Func<Task<string>> request)
    {
        try
        {
            return await request();
        }
        catch (KurentoException ex) when (ex.Code is KurentoException.ObjectNotFound or KurentoException.InvalidSession)
        {
            // the call's media is gone on the KMS side: rebuild it from scratch with the clients
            CallLost(call);
            throw new MediaException("Kurento lost this call's media; renegotiate.", unavailable: true, ex);
        }
        catch (KurentoException ex)
        {
            throw new MediaException(ex.Message);
        }
    }
}
