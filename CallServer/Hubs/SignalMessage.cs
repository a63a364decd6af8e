namespace CallServer.Hubs;

/// <summary>The <c>signal</c> event: a WebRTC message from another participant of the room.</summary>
internal sealed record SignalMessage(string From, string Type, string Payload);
