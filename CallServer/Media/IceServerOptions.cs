namespace CallServer.Media;

/// <summary>One STUN or TURN server handed to clients (<c>Media:IceServers:N</c>).</summary>
internal sealed class IceServerOptions
{
    /// <summary>e.g. <c>stun:stun.example.org:3478</c>, <c>turn:turn.example.org:3478?transport=udp</c>, <c>turns:…:5349</c>.</summary>
    public List<string> Urls { get; set; } = [];

    /// <summary>A fixed username; TURN servers without one get short-lived credentials from <c>Media:TurnSecret</c>.</summary>
    public string? Username { get; set; }

    /// <summary>The fixed credential that goes with <see cref="Username"/>.</summary>
    public string? Credential { get; set; }
}
