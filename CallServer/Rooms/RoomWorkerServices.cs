using CallServer.Backup;

namespace CallServer.Rooms;

/// <summary>What every room worker shares: the backup, the settings, the clock.</summary>
internal sealed record RoomWorkerServices(
    RoomBackup Backup,
    RoomsOptions Options,
    RoomFaultInjector Faults,
    InstanceIdentity Instance,
    TimeSpan InstanceTtl,
    TimeProvider Time,
    ILogger Logger);
