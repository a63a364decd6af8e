using CallServer.Domain.Rooms;

namespace CallServer.History;

/// <summary>A batch of events parked on disk, and the file that holds it.</summary>
internal sealed record ParkedBatch(string File, IReadOnlyList<RoomEvent> Events);
