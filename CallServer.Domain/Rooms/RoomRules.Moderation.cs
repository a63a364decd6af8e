using System.Collections.Immutable;
using CallServer.Domain.Rooms.Commands;

namespace CallServer.Domain.Rooms;

/// <summary>The rules of moderation (mute, remove with a rejoin ban, metadata) and of in-call data's recipients.</summary>
internal static partial class RoomRules
{
    internal static RoomDecision Mute(RoomState state, MuteParticipant mute, RuleContext context)
    {
        RequireModerator(state, mute.By);
        var p = Require(state, mute.ParticipantId);
        var (audio, video) = (p.Audio && mute.Audio, p.Video && mute.Video);
        if ((audio, video) == (p.Audio, p.Video))
        {
            return RoomDecision.Unchanged(p);
        }

        var next = Replace(state, p with { Audio = audio, Video = video });
        next = context.Log.Add(next, new MediaChanged(audio, video, mute.By ?? "admin"), p.ParticipantId);
        return new RoomDecision(next, context.Log.Events, p);
    }

    internal static RoomDecision Kick(RoomState state, RemoveParticipant kick, RuleContext context)
    {
        RequireModerator(state, kick.By);
        var p = Require(state, kick.ParticipantId);
        var decision = Remove(state, [p.ParticipantId], LeaveReasons.Kicked, context);
        // also when the kick ended the call: the identity may not start the room's next call at once either
        if (decision.Next is { } next && p.Identity is { } identity && context.Options.KickBanSeconds > 0)
        {
            var bans = (next.Bans ?? ImmutableDictionary<string, DateTimeOffset>.Empty).SetItem(identity, context.Now.AddSeconds(context.Options.KickBanSeconds));
            return decision with { Next = next with { Bans = bans }, Participant = p };
        }

        return decision with { Participant = p };
    }

    internal static RoomDecision RoomMetadata(RoomState state, SetRoomMetadata set, RuleContext context)
    {
        RequireModerator(state, set.By);
        if (!state.IsLive)
        {
            throw new RoomException(RoomErrorKind.NotLive, $"Room '{state.RoomId}' has no live call.");
        }

        if (state.Metadata == set.Metadata)
        {
            return RoomDecision.Unchanged();
        }

        var next = context.Log.Add(state with { Metadata = set.Metadata }, new MetadataChanged(), null);
        return new RoomDecision(next, context.Log.Events);
    }

    internal static RoomDecision ParticipantMetadata(RoomState state, SetMetadata set, RuleContext context)
    {
        var p = RequireCaller(state, set.ParticipantId);
        if (p.Metadata == set.Metadata)
        {
            return RoomDecision.Unchanged(p);
        }

        var next = context.Log.Add(Replace(state, p with { Metadata = set.Metadata }), new MetadataChanged(), p.ParticipantId);
        return new RoomDecision(next, context.Log.Events, p);
    }

    /// <summary>Refuses unless <paramref name="by"/> is an admin participant of the room (null: the admin key, always allowed).</summary>
    internal static void RequireModerator(RoomState state, string? by)
    {
        if (by is not null && !RequireCaller(state, by).Rights.Admin)
        {
            throw new RoomException(RoomErrorKind.NotAllowed, "Only a participant with the admin grant may moderate this call.");
        }
    }

    internal static RoomDecision CheckRecipients(RoomState state, CheckRecipients check)
    {
        var from = RequireCaller(state, check.From);
        foreach (var to in check.To ?? [])
        {
            if (to == check.From)
            {
                throw new RoomException(RoomErrorKind.InvalidRequest, "A participant cannot send data to itself.");
            }

            Require(state, to);
        }

        return RoomDecision.Unchanged(from);
    }
}
