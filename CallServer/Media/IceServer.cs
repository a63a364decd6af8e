namespace CallServer.Media;

/// <summary>An ICE server as <c>RTCPeerConnection</c> takes it: <c>{ urls, username, credential }</c>.</summary>
internal sealed record IceServer(IReadOnlyList<string> Urls, string? Username = null, string? Credential = null);
