using CallServer.Domain.Rooms;

namespace CallServer.Tests.Infrastructure;

/// <summary>
/// The Jepsen-style check of a <see cref="MediaLoad"/>'s record against the rooms' final states: an acknowledged change is lost
/// when the room's final version is older than it, when the same version was acknowledged twice with different contents,
/// or when a participant's final media is neither its last acknowledged change nor one it attempted after that.
/// </summary>
internal static class LostAcknowledgements
{
    public static IReadOnlyList<string> Find(IReadOnlyList<MediaOp> ops, IReadOnlyDictionary<string, RoomStatus> finals)
    {
        var lost = new List<string>();
        var acked = ops.Where(o => o.Acked is not null).ToList();
        foreach (var op in acked.Where(o => finals[o.RoomId].Version < o.Acked!.Version))
        {
            lost.Add($"{op.RoomId} v{op.Acked!.Version} acknowledged at {op.Started.TotalSeconds:F2}+{op.Took.TotalMilliseconds:F0}ms, final version {finals[op.RoomId].Version}");
        }

        foreach (var same in acked.GroupBy(o => (o.RoomId, o.Acked!.Version)))
        {
            var contents = same.Select(o => Content(o.Acked!)).Distinct().Count();
            if (contents > 1)
            {
                lost.Add($"{same.Key.RoomId} v{same.Key.Version} acknowledged {contents} times with different contents");
            }
        }

        foreach (var mine in ops.GroupBy(o => o.ParticipantId))
        {
            var last = mine.Where(o => o.Acked is not null).MaxBy(o => o.Index);
            if (last is null)
            {
                continue;
            }

            if (finals[last.RoomId].Participants.SingleOrDefault(p => p.ParticipantId == mine.Key) is not { } final)
            {
                lost.Add($"{mine.Key}: gone from its room, whose acknowledged #{last.Index} said it was in");
                continue;
            }

            var possible = mine.Where(o => o.Index >= last.Index).Select(o => (o.Audio, o.Video)).ToHashSet();
            if (!possible.Contains((final.Audio, final.Video)))
            {
                lost.Add($"{mine.Key}: final media ({final.Audio}, {final.Video}) is not its acknowledged #{last.Index} ({last.Audio}, {last.Video}) nor any later try");
            }
        }

        return lost;
    }

    private static string Content(RoomStatus status) =>
        string.Join(";", status.Participants.Select(p => $"{p.ParticipantId}:{p.Audio}:{p.Video}:{p.Presence}"));
}
