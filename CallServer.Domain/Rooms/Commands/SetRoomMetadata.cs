namespace CallServer.Domain.Rooms.Commands;

/// <summary>A moderator sets the room's metadata (the app's own data, at most 4,096 characters; null clears it).</summary>
internal sealed record SetRoomMetadata(string? By, string? Metadata) : RoomChange
{
    public const int MaxLength = 4096;

    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.RoomMetadata(state, this, context);
}
