using System.ComponentModel.DataAnnotations;

namespace CallServer.Domain.Rooms;

/// <summary>Settings of rooms and their supervision (<c>Rooms:*</c>).</summary>
internal sealed class RoomsOptions
{
    public const string Section = "Rooms";

    /// <summary>Participants a room holds; a join beyond it answers 409.</summary>
    [Range(2, 256)]
    public int MaxParticipants { get; set; } = 16;

    /// <summary>How long a participant whose connection dropped stays in the room, as <c>reconnecting</c>.</summary>
    [Range(1, 3600)]
    public int ReconnectGraceSeconds { get; set; } = 20;

    /// <summary>How long a participant that joined over REST has to open its hub connection.</summary>
    [Range(1, 3600)]
    public int JoinTimeoutSeconds { get; set; } = 30;

    /// <summary>OTP restart intensity: more than this many restarts inside <see cref="RestartWindowSeconds"/> fails the room.</summary>
    [Range(0, 1000)]
    public int MaxRestarts { get; set; } = 5;

    /// <summary>The window over which a room's worker restarts are counted (restart intensity).</summary>
    [Range(1, 3600)]
    public int RestartWindowSeconds { get; set; } = 10;

    /// <summary>Messages a room's mailbox holds before new commands are refused as busy.</summary>
    [Range(16, 1_000_000)]
    public int MailboxCapacity { get; set; } = 1024;

    /// <summary>How long an ended room's last state is kept, so that versions keep growing across calls.</summary>
    [Range(1, 30 * 24)]
    public int EndedRoomRetentionHours { get; set; } = 24;

    /// <summary>
    /// A room that was asked nothing for this long lets its worker go (OTP's hibernation): the state stays in the backup, and the
    /// next command, or the room's next deadline, starts a worker again from it. 0 keeps a worker for as long as the call lasts.
    /// </summary>
    [Range(0, 24 * 3600)]
    public int HibernateAfterSeconds { get; set; } = 30;

    /// <summary>
    /// Rooms with a running worker this instance holds before a join that would start one more is refused (503). Rooms that
    /// already have one, and hibernated rooms woken by their deadlines or by anything but a join, are never refused.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxLiveRooms { get; set; } = 10_000;

    /// <summary>How long an invitation rings when the request names no <c>ringSeconds</c> (docs/API.md §9).</summary>
    [Range(5, 120)]
    public int RingSeconds { get; set; } = 30;

    /// <summary>How long an identity a moderator removed may not rejoin the same call.</summary>
    [Range(0, 24 * 3600)]
    public int KickBanSeconds { get; set; } = 60;

    /// <summary>
    /// How often a live room looks for participants it holds as connected through this instance while this instance holds no
    /// such connection (a close that never reached the room): they are moved to <c>reconnecting</c>. A room does it on every
    /// (re)start too.
    /// </summary>
    [Range(1, 3600)]
    public int ConnectionSweepSeconds { get; set; } = 30;

    /// <summary>Lets admins crash a room worker on purpose (<c>POST /rooms/{id}/crash</c>): for chaos tests and benchmarks only.</summary>
    public bool EnableFaultInjection { get; set; }

    public TimeSpan ReconnectGrace => TimeSpan.FromSeconds(ReconnectGraceSeconds);

    public TimeSpan JoinTimeout => TimeSpan.FromSeconds(JoinTimeoutSeconds);

    public TimeSpan ConnectionSweep => TimeSpan.FromSeconds(ConnectionSweepSeconds);

    public TimeSpan RestartWindow => TimeSpan.FromSeconds(RestartWindowSeconds);

    public TimeSpan? HibernateAfter => HibernateAfterSeconds > 0 ? TimeSpan.FromSeconds(HibernateAfterSeconds) : null;
}
