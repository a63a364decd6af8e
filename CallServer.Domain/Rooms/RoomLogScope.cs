using System.Collections;

namespace CallServer.Domain.Rooms;

/// <summary>The logging scope of a room worker: its room id, as a structured property. Small, because every live worker holds one.</summary>
internal sealed class RoomLogScope(string roomId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] =>
        index == 0 ? new("RoomId", roomId) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"RoomId:{roomId}";
}
