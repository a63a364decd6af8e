using CallServer.Domain.Rooms;

namespace CallServer.History;

/// <summary>An event the history database refused again and again for a reason that waiting does not cure, set aside so that the events behind it go on.</summary>
/// <param name="Error">What the database said.</param>
/// <param name="At">When it was set aside.</param>
internal sealed record DeadLetter(RoomEvent Event, string Error, DateTimeOffset At);
