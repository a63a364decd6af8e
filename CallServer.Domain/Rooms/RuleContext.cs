namespace CallServer.Domain.Rooms;

/// <summary>What a rule may know besides the state: the time, the settings, the history events it records, and where new ids come from.</summary>
internal readonly record struct RuleContext(DateTimeOffset Now, RoomsOptions Options, RoomEventLog Log, RoomIds Ids);
