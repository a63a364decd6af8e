namespace CallServer.Hubs;

/// <summary>The <c>data</c> event: in-call data from another participant (chat, reactions, raised hands); never stored.</summary>
internal sealed record DataMessage(string From, string Type, string Payload);
