using CallServer.Domain.Rooms.Commands;
using CallServer.Domain.Supervision;

namespace CallServer.Domain.Rooms;

/// <summary>The supervised loop that wakes hibernated rooms at their deadlines.</summary>
internal sealed class RoomWakeUpLoop(RoomWakeUps wakeUps, RoomSupervisor rooms) : ISupervisedService
{
    public Task RunAsync(CancellationToken stopping) =>
        wakeUps.RunAsync(roomId => rooms.Post(roomId, new ExpireDeadlines()), stopping);
}
