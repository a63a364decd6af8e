namespace CallServer.Domain.Rooms;

/// <summary>A consumer met a kind of <see cref="RoomFact"/> it has no decision for: a programming error the consumers test catches first.</summary>
internal sealed class UnhandledRoomFactException(RoomFact fact, string consumer)
    : Exception($"{consumer} has no decision for room events of kind {fact.GetType().Name} ('{fact.Type}'): add one.");
