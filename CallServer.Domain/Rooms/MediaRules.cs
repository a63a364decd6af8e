using System.Text.Json;
using CallServer.Domain.Rooms.Commands;

namespace CallServer.Domain.Rooms;

/// <summary>What a media request must satisfy before it goes to the media server.</summary>
internal static class MediaRules
{
    public const int MaxSdpLength = 128 * 1024;
    public const int MaxCandidateLength = 4 * 1024;
    public const string PublishTarget = Media.MediaTargets.Publish;

    /// <summary>Throws a <see cref="RoomException"/> saying what is wrong with <paramref name="request"/>.</summary>
    public static void Check(RoomState state, MediaRequest request)
    {
        if (!state.IsLive || state.Find(request.ParticipantId) is null)
        {
            throw RoomRules.NotInRoom(state, request.ParticipantId);
        }

        var rights = state.Find(request.ParticipantId)!.Rights;
        switch (request)
        {
            case PublishMedia publish:
                Allow(rights.Publish, "publish");
                CheckSdp(publish.SdpOffer, "sdpOffer");
                break;
            case SubscribeMedia subscribe:
                Allow(rights.Subscribe, "subscribe");
                CheckPeer(state, request.ParticipantId, subscribe.PublisherId);
                break;
            case AnswerMedia answer:
                CheckPeer(state, request.ParticipantId, answer.PublisherId);
                CheckSdp(answer.SdpAnswer, "sdpAnswer");
                break;
            case TrickleMedia trickle:
                if (trickle.Target != PublishTarget)
                {
                    CheckPeer(state, request.ParticipantId, trickle.Target);
                }

                CheckCandidate(trickle.CandidateJson);
                break;
        }
    }

    private static void Allow(bool granted, string what)
    {
        if (!granted)
        {
            throw new RoomException(RoomErrorKind.NotAllowed, $"This participant may not {what}: its join token does not grant it.");
        }
    }

    private static void CheckPeer(RoomState state, string participantId, string publisherId)
    {
        if (publisherId == participantId || state.Find(publisherId) is null)
        {
            throw new RoomException(RoomErrorKind.InvalidMedia, $"Unknown publisher '{publisherId}': not another participant of room '{state.RoomId}'.");
        }
    }

    private static void CheckSdp(string? sdp, string name)
    {
        if (string.IsNullOrEmpty(sdp) || sdp.Length > MaxSdpLength || !sdp.StartsWith("v=0", StringComparison.Ordinal) || !sdp.Contains("\nm=", StringComparison.Ordinal))
        {
            throw new RoomException(RoomErrorKind.InvalidMedia, $"Bad SDP: {name} must be a session description (starting with v=0, with at least one m= line, at most {MaxSdpLength} characters).");
        }
    }

    private static void CheckCandidate(string? json)
    {
        try
        {
            if (!string.IsNullOrEmpty(json) && json.Length <= MaxCandidateLength
                && JsonDocument.Parse(json).RootElement is { ValueKind: JsonValueKind.Object } root
                && (root.TryGetProperty("candidate", out var c) && c.ValueKind == JsonValueKind.String || root.TryGetProperty("completed", out _)))
            {
                return;
            }
        }
        catch (JsonException)
        {
        }

        throw new RoomException(RoomErrorKind.InvalidMedia, "Bad candidate: candidateJson must be RTCIceCandidateInit JSON ({\"candidate\":\"…\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}) or {\"completed\":true}.");
    }
}
