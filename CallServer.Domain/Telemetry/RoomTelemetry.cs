using System.Diagnostics;
using System.Diagnostics.Metrics;
using CallServer.Domain.Rooms;

namespace CallServer.Domain.Telemetry;

/// <summary>
/// The rooms' metrics (the Meter "CallServer") and traces (the ActivitySource "CallServer"): command durations by type and
/// outcome, mailbox depth, compare-and-set conflicts, worker restarts and failed rooms, rooms live and hibernated, and
/// participants by presence. Each command gets a span of its own, parented explicitly by the request or hub call that sent it.
/// </summary>
internal sealed class RoomTelemetry
{
    public const string Name = "CallServer";

    public static readonly ActivitySource Source = new(Name);

    public RoomTelemetry(IMeterFactory meters)
    {
        Meter = meters.Create(Name);
        CommandDuration = Meter.CreateHistogram<double>("callserver.room.command.duration", "s", "How long a room's worker took to handle a command, by command type and outcome.");
        MailboxDepth = Meter.CreateUpDownCounter<long>("callserver.room.mailbox.depth", "{command}", "Commands waiting in rooms' mailboxes.");
        GroupCommits = Meter.CreateHistogram<int>("callserver.backup.group_size", "{change}", "Changes carried by one backup write of a group commit (only writes of two or more).");
        Conflicts = Meter.CreateCounter<long>("callserver.backup.conflicts", "{write}", "Backup writes refused by compare-and-set (the worker re-read and decided again).");
        Restarts = Meter.CreateCounter<long>("callserver.room.worker.restarts", "{restart}", "Room workers restarted after a crash.");
        Failed = Meter.CreateCounter<long>("callserver.rooms.failed", "{room}", "Rooms ended as failed (restart intensity exceeded).");
        Participants = Meter.CreateUpDownCounter<long>("callserver.participants", "{participant}", "Participants of rooms with a running worker, by presence.");
    }

    public Meter Meter { get; }

    public Histogram<double> CommandDuration { get; }

    public UpDownCounter<long> MailboxDepth { get; }

    public Counter<long> Conflicts { get; }

    public Histogram<int> GroupCommits { get; }

    public Counter<long> Restarts { get; }

    public Counter<long> Failed { get; }

    public UpDownCounter<long> Participants { get; }

    /// <summary>Reports rooms with a running worker and hibernated rooms that wait for a deadline.</summary>
    public void ObserveRooms(Func<int> live, Func<int> hibernated)
    {
        Meter.CreateObservableGauge("callserver.rooms.live", live, "{room}", "Rooms with a running worker on this instance.");
        Meter.CreateObservableGauge("callserver.rooms.hibernated", hibernated, "{room}", "Hibernated rooms waiting for a deadline on this instance.");
    }

    /// <summary>Moves the participant counts from <paramref name="before"/> to <paramref name="after"/> (null: no worker holds it).</summary>
    public void StateChanged(RoomState? before, RoomState? after)
    {
        if (ReferenceEquals(before, after) || !Participants.Enabled)
        {
            return;
        }

        Span<int> delta = stackalloc int[PresenceTags.Length];
        Count(after, delta, 1);
        Count(before, delta, -1);
        for (var i = 0; i < delta.Length; i++)
        {
            if (delta[i] != 0)
            {
                Participants.Add(delta[i], PresenceTags[i]);
            }
        }
    }

    /// <summary>The span name of a command type, made once per type.</summary>
    public static string SpanName(Type command) => SpanNames.GetOrAdd(command, static t => $"room {t.Name}");

    private static readonly KeyValuePair<string, object?>[] PresenceTags =
        [.. Enum.GetValues<Presence>().Select(p => new KeyValuePair<string, object?>("presence", p.ToString().ToLowerInvariant()))];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, string> SpanNames = new();

    private static void Count(RoomState? state, Span<int> counts, int sign)
    {
        if (state is not { IsLive: true })
        {
            return;
        }

        foreach (var p in state.Participants)
        {
            counts[(int)p.Presence] += sign;
        }
    }
}
