namespace CallServer.Api;

/// <summary>Body of <c>POST /rooms/{roomId}/join</c>.</summary>
internal sealed record JoinRequest(string? DisplayName);
