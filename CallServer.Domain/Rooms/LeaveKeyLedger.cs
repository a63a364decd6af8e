using System.Collections.Immutable;
using System.Globalization;

namespace CallServer.Domain.Rooms;

/// <summary>
/// The leave keys a room keeps for its current call (<see cref="RoomState.LeaveKeys"/>): the newest <see cref="Max"/> only,
/// so that join → leave cycles with fresh keys cannot grow a room's snapshot without a bound (docs/SECURITY.md). Each is
/// stored as <c>{event seq}:{key}</c> to know which are the newest; a key stored by an earlier version (without the number)
/// counts as the oldest.
/// </summary>
internal static class LeaveKeyLedger
{
    /// <summary>How many leave keys a call keeps (a retry of an older leave is answered from the reply cache, or refused).</summary>
    public const int Max = 64;

    /// <summary>True when <paramref name="participantId"/> left with <paramref name="key"/>.</summary>
    public static bool Holds(ImmutableDictionary<string, string>? keys, string participantId, string key) =>
        keys?.GetValueOrDefault(participantId) is { } stored && Parse(stored).Key == key;

    /// <summary><paramref name="keys"/> with this leave's key, less the oldest beyond <see cref="Max"/>.</summary>
    public static ImmutableDictionary<string, string> Add(ImmutableDictionary<string, string>? keys, string participantId, string key, long seq)
    {
        var next = (keys ?? ImmutableDictionary<string, string>.Empty).SetItem(participantId, $"{seq.ToString(CultureInfo.InvariantCulture)}:{key}");
        while (next.Count > Max)
        {
            next = next.Remove(next.MinBy(k => Parse(k.Value).Seq).Key);
        }

        return next;
    }

    private static (long Seq, string Key) Parse(string stored)
    {
        var colon = stored.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && long.TryParse(stored.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            ? (seq, stored[(colon + 1)..])
            : (0, stored);
    }
}
