namespace CallServer.Rooms;

/// <summary>What a rule may know besides the state: the time, the settings, and the history events it records.</summary>
internal readonly record struct RuleContext(DateTimeOffset Now, RoomsOptions Options, RoomEventLog Log);
