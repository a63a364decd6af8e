using System.ComponentModel.DataAnnotations;

namespace CallServer.Media;

/// <summary>Where Kurento Media Server listens (<c>Media:Kurento:*</c>).</summary>
internal sealed class KurentoOptions
{
    /// <summary>Kurento Media Server's JSON-RPC WebSocket.</summary>
    [RegularExpression("^wss?://.+", ErrorMessage = "Media:Kurento:Url is a ws:// or wss:// URL.")]
    public string Url { get; set; } = "ws://127.0.0.1:8888/kurento";

    /// <summary>How long a request waits for Kurento's answer.</summary>
    [Range(1, 120)]
    public int RequestTimeoutSeconds { get; set; } = 10;

    /// <summary>Pings go out this often, so that a dead connection is found and the session reopened.</summary>
    [Range(1, 300)]
    public int PingSeconds { get; set; } = 10;
}
