namespace CallServer.Api;

/// <summary>Body of <c>POST /rooms/{roomId}/join</c>.</summary>
/// <param name="DisplayName">1-64 characters; optional when the join token has a <c>name</c>.</param>
/// <param name="Audio">Join with the microphone on (default true; off anyway without the publish grant).</param>
/// <param name="Video">Join with the camera on (default true; off anyway without the publish grant).</param>
internal sealed record JoinRequest(string? DisplayName = null, bool? Audio = null, bool? Video = null);
