using CallServer.Backup;
using CallServer.Media;

namespace CallServer.Rooms;

/// <summary>What every room worker shares: the backup, the settings, the clock, the media server.</summary>
internal sealed record RoomWorkerServices(
    RoomBackup Backup,
    RoomsOptions Options,
    RoomFaultInjector Faults,
    InstanceIdentity Instance,
    TimeSpan InstanceTtl,
    TimeProvider Time,
    IMediaServer Media,
    SignalPublisher Signals,
    ILogger Logger);
