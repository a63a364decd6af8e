using System.ComponentModel.DataAnnotations;

namespace CallServer.Media;

/// <summary>Where Janus listens (<c>Media:Janus:*</c>).</summary>
internal sealed class JanusOptions
{
    /// <summary>Janus's WebSocket transport (subprotocol <c>janus-protocol</c>).</summary>
    [RegularExpression("^wss?://.+", ErrorMessage = "Media:Janus:Url is a ws:// or wss:// URL.")]
    public string Url { get; set; } = "ws://127.0.0.1:8188";

    /// <summary>Keepalives go out this often; Janus drops sessions silent for its <c>session_timeout</c> (60 s by default).</summary>
    [Range(1, 55)]
    public int KeepaliveSeconds { get; set; } = 20;

    /// <summary>Janus's <c>api_secret</c> (janus.jcfg, <c>general</c>), sent with every request when Janus requires one.</summary>
    public string? ApiSecret { get; set; }

    /// <summary>The VideoRoom plugin's <c>admin_key</c> (janus.plugin.videoroom.jcfg), needed to create rooms when it is set.</summary>
    public string? AdminKey { get; set; }

    /// <summary>How long a request waits for Janus's answer.</summary>
    [Range(1, 120)]
    public int RequestTimeoutSeconds { get; set; } = 10;
}
