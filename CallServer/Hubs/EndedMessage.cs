namespace CallServer.Hubs;

/// <summary>The <c>ended</c> event: the call is over (<c>empty</c>, <c>ended</c> by an admin, or <c>failed</c>); the connection closes after it.</summary>
internal sealed record EndedMessage(string RoomId, string? CallId, string Reason);
