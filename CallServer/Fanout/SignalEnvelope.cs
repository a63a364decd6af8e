namespace CallServer.Fanout;

/// <summary>A signal on its way through Redis to whichever instance holds the receiver's connection.</summary>
internal sealed record SignalEnvelope(string RoomId, string To, string From, string Type, string Payload);
