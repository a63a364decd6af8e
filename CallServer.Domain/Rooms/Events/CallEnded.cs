using System.Globalization;

namespace CallServer.Domain.Rooms;

/// <summary>The call ended, why (<c>empty</c>, <c>ended</c>, <c>failed</c>), and how long it lasted.</summary>
internal sealed record CallEnded(string Reason, long DurationSeconds) : RoomFact
{
    public override string Type => RoomEventTypes.CallEnded;

    public override IReadOnlyDictionary<string, string>? Data => new Dictionary<string, string>
    {
        ["reason"] = Reason,
        ["durationSeconds"] = DurationSeconds.ToString(CultureInfo.InvariantCulture),
    };
}
