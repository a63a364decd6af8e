namespace CallServer.Media;

/// <summary>The values of <c>Media:Mode</c>.</summary>
internal static class MediaModes
{
    public const string Mesh = "mesh";
    public const string Janus = "janus";
    public const string Kurento = "kurento";
}
