namespace CallServer.Api;

/// <summary>Answer of <c>POST /rooms/{roomId}/token</c>: a new participant token for the same participant, and when it expires.</summary>
internal sealed record TokenResponse(string Token, DateTimeOffset TokenExpiresAt);
