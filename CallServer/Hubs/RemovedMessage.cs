namespace CallServer.Hubs;

/// <summary>The <c>removed</c> event: sent to a removed participant's connections before they are closed.</summary>
internal sealed record RemovedMessage(string RoomId, string? CallId, string ParticipantId, string Reason);
