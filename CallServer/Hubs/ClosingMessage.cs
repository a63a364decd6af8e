namespace CallServer.Hubs;

/// <summary>The <c>closing</c> event: why the server is about to close this connection, and whether to reconnect.</summary>
internal sealed record ClosingMessage(string Reason, bool Reconnect);
