namespace CallServer.Domain.Rooms.Commands;

/// <summary>A participant sets its own metadata (at most 1,024 characters; null clears it).</summary>
internal sealed record SetMetadata(string ParticipantId, string? Metadata) : RoomChange
{
    public const int MaxLength = 1024;

    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.ParticipantMetadata(state, this, context);
}
