using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CallServer.Domain.Media;
using CallServer.Media.Sfu;
using Microsoft.Extensions.Options;

namespace CallServer.Media.Janus;

/// <summary>
/// Rooms through Janus's VideoRoom plugin: one VideoRoom per call, a publisher handle per participant, a subscriber handle per
/// subscription, trickle ICE both ways. When the Janus session is lost (restart, dropped connection), every call's media is
/// gone: once a new session is open the rooms are told (<see cref="IMediaEvents.MediaLost"/>) and rebuild as clients publish again.
/// </summary>
internal sealed class JanusMediaServer : SfuMediaServer<JanusRoom, JanusPublisher, long>
{
    private readonly JanusConnection _janus;
    private readonly TimeSpan _timeout;
    private readonly string? _adminKey;
    private readonly ILogger _logger;

    public JanusMediaServer(IOptions<MediaOptions> options, IMediaEvents events, TimeProvider time, ILogger<JanusMediaServer> logger)
        : base(events, options.Value.MaxCalls, logger)
    {
        _timeout = TimeSpan.FromSeconds(options.Value.Janus.RequestTimeoutSeconds);
        _adminKey = options.Value.Janus.AdminKey;
        _logger = logger;
        _janus = new JanusConnection(options.Value.Janus, time, logger);
        _janus.SessionOpened += generation =>
        {
            if (generation > 1)
            {
                SessionLost(generation);
            }
        };
    }

    public override string Mode => MediaModes.Janus;

    protected override string ServerName => "Janus";

    protected override IMediaConnection Connection => _janus;

    public override Task<string> PublishAsync(MediaCall call, string participantId, string displayName, string sdpOffer, CancellationToken cancellationToken) =>
        Translate(async () =>
        {
            var (_, generation) = await _janus.ReadyAsync(cancellationToken);
            var room = await HeldAsync(call, generation, () => CreateRoomAsync(call, cancellationToken), cancellationToken);
            return await room.LockedAsync(participantId, async members =>
            {
                if (members.Publishers.Remove(participantId, out var old))
                {
                    await _janus.DetachQuietlyAsync(old.HandleId);
                }

                var publisher = new JanusPublisher(await _janus.AttachAsync(cancellationToken));
                _janus.Listen(publisher.HandleId, e => OnEvent(call, participantId, MediaTargets.Publish, e, publisher));
                members.Publishers[participantId] = publisher;
                var joined = await _janus.MessageAsync(publisher.HandleId, new JsonObject
                {
                    ["request"] = "join",
                    ["ptype"] = "publisher",
                    ["room"] = room.Id.Number,
                    ["display"] = displayName,
                }, null, JanusCompletion.Event, cancellationToken);
                publisher.FeedId = joined["plugindata"]!["data"]!["id"]!.GetValue<long>();
                var configured = await _janus.MessageAsync(publisher.HandleId, new JsonObject { ["request"] = "publish" },
                    new JsonObject { ["type"] = "offer", ["sdp"] = sdpOffer }, JanusCompletion.Event, cancellationToken);
                return (string?)configured["jsep"]?["sdp"] ?? throw new MediaException("Janus accepted the offer but sent no answer.");
            }, cancellationToken);
        });

    public override Task<string> SubscribeAsync(MediaCall call, string subscriberId, string publisherId, CancellationToken cancellationToken) =>
        Translate(async () =>
        {
            var room = Existing(call) ?? throw NotPublishing(publisherId);
            var publisher = await room.ReadAsync(m => m.Publishers.GetValueOrDefault(publisherId), cancellationToken) ?? throw NotPublishing(publisherId);
            try
            {
                // Janus lists a publisher once its peer connection is up
                await publisher.Up.Task.WaitAsync(_timeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw new MediaException($"Publisher '{publisherId}' has not started sending media yet; subscribe again when it has.");
            }

            return await room.LockedAsync(subscriberId, async members =>
            {
                if (members.Subscriptions.Remove((subscriberId, publisherId), out var old))
                {
                    await _janus.DetachQuietlyAsync(old);
                }

                var handle = await _janus.AttachAsync(cancellationToken);
                _janus.Listen(handle, e => OnEvent(call, subscriberId, publisherId, e, null));
                members.Subscriptions[(subscriberId, publisherId)] = handle;
                var attached = await _janus.MessageAsync(handle, new JsonObject
                {
                    ["request"] = "join",
                    ["ptype"] = "subscriber",
                    ["room"] = room.Id.Number,
                    ["streams"] = new JsonArray(new JsonObject { ["feed"] = publisher.FeedId }),
                }, null, JanusCompletion.Event, cancellationToken);
                return (string?)attached["jsep"]?["sdp"] ?? throw new MediaException("Janus sent no offer for the subscription.");
            }, cancellationToken);
        });

    public override Task AnswerAsync(MediaCall call, string subscriberId, string publisherId, string sdpAnswer, CancellationToken cancellationToken) =>
        Translate(async () =>
        {
            var handle = await SubscriptionAsync(call, subscriberId, publisherId, cancellationToken);
            await _janus.MessageAsync(handle, new JsonObject { ["request"] = "start" },
                new JsonObject { ["type"] = "answer", ["sdp"] = sdpAnswer }, JanusCompletion.Event, cancellationToken);
            return "";
        });

    public override Task TrickleAsync(MediaCall call, string participantId, string target, string candidateJson, CancellationToken cancellationToken) =>
        Translate(async () =>
        {
            var handle = target == MediaTargets.Publish
                ? (await PublisherAsync(call, participantId, cancellationToken)).HandleId
                : await SubscriptionAsync(call, participantId, target, cancellationToken);
            await _janus.RequestAsync(new JsonObject { ["janus"] = "trickle", ["handle_id"] = handle, ["candidate"] = Candidate(candidateJson) },
                JanusCompletion.Ack, cancellationToken);
            return "";
        });

    protected override Task ReleasePublisherAsync(JanusPublisher publisher) => _janus.DetachQuietlyAsync(publisher.HandleId);

    protected override Task ReleaseSubscriptionAsync(long subscription) => _janus.DetachQuietlyAsync(subscription);

    protected override async Task DestroyAsync(SfuCall<JanusRoom, JanusPublisher, long> held, SfuCallMembers<JanusPublisher, long> members, CancellationToken cancellationToken)
    {
        await ReleaseAsync(members);
        try
        {
            var admin = await _janus.AttachAsync(cancellationToken);
            await _janus.MessageAsync(admin, new JsonObject { ["request"] = "destroy", ["room"] = held.Id.Number, ["secret"] = held.Id.Secret },
                null, JanusCompletion.Success, cancellationToken);
            await _janus.DetachQuietlyAsync(admin);
        }
        catch (JanusException)
        {
            // the room went with its last participant
        }
        catch (MediaException ex)
        {
            // or with Janus: nothing is left to destroy, but say so
            JanusLog.CloseFailed(_logger, ex, held.Id.Number);
        }
    }

    /// <summary>
    /// A new VideoRoom for the call, made on its first publisher: private (Janus lists it to no one) and with a secret of its
    /// own, so that only this server may edit or destroy it.
    /// </summary>
    private async Task<JanusRoom> CreateRoomAsync(MediaCall call, CancellationToken cancellationToken)
    {
        var room = new JanusRoom(Random.Shared.NextInt64(1, 1L << 52), Convert.ToHexString(RandomNumberGenerator.GetBytes(24)));
        var create = new JsonObject
        {
            ["request"] = "create",
            ["room"] = room.Number,
            ["permanent"] = false,
            ["is_private"] = true,
            ["secret"] = room.Secret,
            ["description"] = $"{call.RoomId} {call.CallId}",
            ["publishers"] = 64,
        };
        if (!string.IsNullOrEmpty(_adminKey))
        {
            create["admin_key"] = _adminKey;
        }

        var admin = await _janus.AttachAsync(cancellationToken);
        try
        {
            await _janus.MessageAsync(admin, create, null, JanusCompletion.Success, cancellationToken);
        }
        finally
        {
            await _janus.DetachQuietlyAsync(admin);
        }

        return room;
    }

    private void OnEvent(MediaCall call, string participantId, string target, JsonObject message, JanusPublisher? publisher)
    {
        switch ((string?)message["janus"])
        {
            case "webrtcup":
                publisher?.Up.TrySetResult();
                break;
            case "trickle" when message["candidate"] is JsonObject candidate && candidate["completed"] is null:
                // full-trickle Janus sends its candidates instead of putting them in its SDP
                Events.CandidateFound(call, participantId, target, candidate.ToJsonString());
                break;
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
