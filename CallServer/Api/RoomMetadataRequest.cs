namespace CallServer.Api;

/// <summary>The room's new metadata (the app's own data; null clears it).</summary>
internal sealed record RoomMetadataRequest(string? Metadata);
