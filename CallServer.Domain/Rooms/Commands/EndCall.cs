namespace CallServer.Rooms.Commands;

/// <summary>Ends the call for everyone (admin).</summary>
internal sealed record EndCall(string Reason) : RoomCommand;
