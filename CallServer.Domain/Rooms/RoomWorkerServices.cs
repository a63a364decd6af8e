using CallServer.Domain.Backup;
using CallServer.Domain.Media;
using Microsoft.Extensions.Logging;

namespace CallServer.Domain.Rooms;

/// <summary>What every room worker shares: the backup, the settings, the clock, the media server, the wake-ups of hibernated rooms.</summary>
internal sealed record RoomWorkerServices(
    IRoomBackup Backup,
    RoomsOptions Options,
    RoomFaultInjector Faults,
    InstanceIdentity Instance,
    TimeSpan InstanceTtl,
    TimeProvider Time,
    IMediaServer Media,
    ISignalPublisher Signals,
    RoomWakeUps WakeUps,
    InstanceLiveness Liveness,
    ILocalConnections Connections,
    Telemetry.RoomTelemetry Telemetry,
    ILogger Logger);
