using System.Collections.Immutable;
using System.Text.Json.Serialization;
using CallServer.Domain.Rooms;

namespace CallServer.Domain.History;

/// <summary>
/// One user's part in one call, as its recent-calls row shows it (docs/API.md §10): one per identity and call, however many
/// devices rang, joins it made or rings it got. Built by <see cref="RecentCallsProjection"/> from the call's events alone.
/// </summary>
/// <param name="StartedAt">When the call began for the user: its first ring, dial, invitation or join.</param>
internal sealed record RecentCall(string Identity, string CallId, string RoomId, DateTimeOffset StartedAt)
{
    /// <summary>See <see cref="CallDirections"/>; <see cref="DirectionSettled"/> once a ring from or to the user decided it.</summary>
    public string Direction { get; init; } = CallDirections.Joined;

    public bool DirectionSettled { get; init; }

    /// <summary>The invitation that decided the direction: the first ring to (incoming) or from (outgoing) the user.</summary>
    public string? InvitationId { get; init; }

    /// <summary>Incoming: when the user joined. Outgoing: when the first identity it invited joined. Joined: when it joined.</summary>
    public DateTimeOffset? AnsweredAt { get; init; }

    /// <summary>When the user's part ended (its last leave, its ring's end, or the call's end); null while it goes on.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The user's own time in the call, summed over its joins (whole milliseconds; intervals still open not counted).</summary>
    public long InCallMilliseconds { get; init; }

    /// <summary>The user's participants in the call now, and since when.</summary>
    public ImmutableDictionary<string, DateTimeOffset> InCallSince { get; init; } = ImmutableDictionary<string, DateTimeOffset>.Empty;

    public bool WasInCall { get; init; }

    /// <summary>The user's own name, as it last joined or rang (peers of the others show it).</summary>
    public string? DisplayName { get; init; }

    public ImmutableList<RecentPeer> Peers { get; init; } = [];

    /// <summary>The rings from and to the user, in order.</summary>
    public ImmutableList<RecentInvitation> Invitations { get; init; } = [];

    public bool Answered { get; init; }

    [JsonIgnore]
    public long DurationSeconds => InCallMilliseconds / 1000;

    /// <summary>See <see cref="CallOutcomes"/>; null while undecided (a ring still rings and nothing was answered).</summary>
    [JsonIgnore]
    public string? Outcome
    {
        get
        {
            if (Direction == CallDirections.Joined)
            {
                return CallOutcomes.Completed;
            }

            if (Answered)
            {
                return CallOutcomes.Answered;
            }

            var incoming = Direction == CallDirections.Incoming;
            var mine = Invitations.Where(i => incoming ? i.To == Identity : i.From == Identity).ToList();
            if (mine.Count == 0 || mine.Any(i => i.State == InvitationStates.Ringing))
            {
                return null;
            }

            if (mine.Any(i => i.State == InvitationStates.Accepted))
            {
                // its join was not seen (set aside as a dead letter): the ring's own state still says it was answered
                return CallOutcomes.Answered;
            }

            if (incoming)
            {
                return mine[^1].State switch
                {
                    InvitationStates.Declined => CallOutcomes.Declined,
                    InvitationStates.Busy => CallOutcomes.Busy,
                    InvitationStates.Canceled => CallOutcomes.Canceled,
                    _ => CallOutcomes.Missed,
                };
            }

            return mine.Any(i => i.State == InvitationStates.Canceled) ? CallOutcomes.Canceled : CallOutcomes.NotAnswered;
        }
    }

    /// <summary>Whether the user's part goes on: it is in the call, or how it went is not decided yet.</summary>
    [JsonIgnore]
    public bool IsOpen => !InCallSince.IsEmpty || Outcome is null;
}
