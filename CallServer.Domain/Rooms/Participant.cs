namespace CallServer.Domain.Rooms;

/// <summary>One participant as the room worker keeps it (more than clients see: deadline, connection, join key).</summary>
/// <param name="Deadline">When the participant is removed unless it connects: join timeout or reconnect grace.</param>
/// <param name="ConnectionId">The hub connection that holds the participant's presence.</param>
/// <param name="InstanceId">The server instance that holds that connection.</param>
/// <param name="JoinKey">The idempotency key of the join that added the participant.</param>
/// <param name="Identity">The user's identity in the app (open mode: none, and the participant id stands for it).</param>
/// <param name="Metadata">The app's own data about the participant.</param>
/// <param name="Grants">What the participant may do (null, in states written before grants existed: the defaults).</param>
internal sealed record Participant(
    string ParticipantId,
    string DisplayName,
    Presence Presence,
    bool Audio,
    bool Video,
    DateTimeOffset JoinedAt,
    DateTimeOffset? Deadline,
    string? ConnectionId = null,
    string? InstanceId = null,
    string? JoinKey = null,
    string? Identity = null,
    string? Metadata = null,
    ParticipantGrants? Grants = null)
{
    /// <summary>What the participant may do.</summary>
    public ParticipantGrants Rights => Grants ?? ParticipantGrants.Default;
}
