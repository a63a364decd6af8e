using System.Diagnostics;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms.Commands;
using CallServer.Domain.Supervision;

namespace CallServer.Domain.Rooms;

/// <summary>
/// Brings back, once at start-up, every room the backup lists as live (eagerly, so that their timers run again). Supervised:
/// when the backup store does not answer at start-up, it is tried again with backoff until it does.
/// </summary>
internal sealed class RoomRestore(IRoomBackup backup, RoomSupervisor rooms, ILogger<RoomRestore> logger) : ISupervisedService
{
    public async Task RunAsync(CancellationToken stopping)
    {
        var watch = Stopwatch.StartNew();
        var count = 0;
        await foreach (var roomId in backup.LiveRoomIdsAsync(stopping))
        {
            rooms.Post(roomId, new GetStatus(RequireLive: false));
            count++;
        }

        RoomsLog.RoomsRestored(logger, count, watch.ElapsedMilliseconds);
    }
}
