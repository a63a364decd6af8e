namespace CallServer.Client;

/// <summary>
/// The room as the newest status says (docs/API.md §5, docs/MOBILE.md §2): the first status of each (re)connection is taken
/// as it is; after it, a status not newer than the one held is dropped; a skipped version is a gap, which the room repairs
/// by asking for its current status. What changed between two statuses becomes the room's events.
/// </summary>
internal sealed class Roster(RoomStatus initial)
{
    private readonly object _gate = new();
    private RoomStatus _status = initial;
    private bool _fresh = true;

    public RoomStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <summary>The connection (re)started: its first status is the room's current state.</summary>
    public void Reconnected()
    {
        lock (_gate)
        {
            _fresh = true;
        }
    }

    /// <summary>Takes a status if it is newer (or the first of a connection); returns what changed, and whether versions were skipped.</summary>
    public (RosterChange? Change, bool Gap) Apply(RoomStatus next, bool fromConnection = true)
    {
        lock (_gate)
        {
            var first = _fresh && fromConnection;
            if (!first && next.Version <= _status.Version)
            {
                return (null, false);
            }

            var gap = !first && next.Version > _status.Version + 1;
            if (fromConnection)
            {
                _fresh = false;
            }

            var before = _status;
            _status = next;
            return (RosterChange.Between(before, next), gap);
        }
    }
}

/// <summary>Who arrived, who left and whose media changed between two statuses.</summary>
internal sealed record RosterChange(IReadOnlyList<Participant> Joined, IReadOnlyList<Participant> Left, IReadOnlyList<Participant> MediaChanged)
{
    public static RosterChange Between(RoomStatus before, RoomStatus after)
    {
        var old = before.Participants.ToDictionary(p => p.ParticipantId, StringComparer.Ordinal);
        var now = after.Participants.ToDictionary(p => p.ParticipantId, StringComparer.Ordinal);
        return new RosterChange(
            [.. after.Participants.Where(p => !old.ContainsKey(p.ParticipantId))],
            [.. before.Participants.Where(p => !now.ContainsKey(p.ParticipantId))],
            [.. after.Participants.Where(p => old.TryGetValue(p.ParticipantId, out var was) && (was.Audio != p.Audio || was.Video != p.Video))]);
    }
}
