namespace CallServer.History;

/// <summary>Rows as Dapper reads them, before they become records.</summary>
internal static class HistoryRows
{
    internal sealed class Call
    {
        public string CallId { get; set; } = "";
        public string RoomId { get; set; } = "";
        public DateTimeOffset StartedAt { get; set; }
        public DateTimeOffset? EndedAt { get; set; }
        public string? EndReason { get; set; }
    }

    internal sealed class Participant
    {
        public string CallId { get; set; } = "";
        public string ParticipantId { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public DateTimeOffset JoinedAt { get; set; }
        public DateTimeOffset? LeftAt { get; set; }
        public string? LeaveReason { get; set; }

        public string? Identity { get; set; }
    }

    internal sealed class Event
    {
        public long Seq { get; set; }
        public string Type { get; set; } = "";
        public string? ParticipantId { get; set; }
        public DateTimeOffset At { get; set; }
        public string? Data { get; set; }

        public string? Identity { get; set; }
    }

    /// <summary>An event row with its call's room, read back to fold it again.</summary>
    internal sealed class StoredRoomEvent
    {
        public string CallId { get; set; } = "";
        public string RoomId { get; set; } = "";
        public long Seq { get; set; }
        public string Type { get; set; } = "";
        public string? ParticipantId { get; set; }
        public DateTimeOffset At { get; set; }
        public string? Data { get; set; }
        public string? Identity { get; set; }
    }

    /// <summary>The key of an event row that an insert stored (and did not find there already).</summary>
    internal sealed class StoredEvent
    {
        public string CallId { get; set; } = "";
        public long Seq { get; set; }
    }
}
