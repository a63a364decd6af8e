using System.ComponentModel.DataAnnotations;

namespace CallServer.Media;

/// <summary>Where Kurento Media Server listens (<c>Media:Kurento:*</c>).</summary>
internal sealed class KurentoOptions
{
    [Url]
    public string Url { get; set; } = "ws://127.0.0.1:8888/kurento";

    [Range(1, 120)]
    public int RequestTimeoutSeconds { get; set; } = 10;

    [Range(1, 300)]
    public int PingSeconds { get; set; } = 10;
}
