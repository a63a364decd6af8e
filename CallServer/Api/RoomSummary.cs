namespace CallServer.Api;

/// <summary>One live room in the admin list.</summary>
internal sealed record RoomSummary(string RoomId, string? CallId, string State, int ParticipantCount, long Version);
