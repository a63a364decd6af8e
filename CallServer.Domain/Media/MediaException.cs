namespace CallServer.Domain.Media;

/// <summary>A media request that failed, with a message fit for the client (bad SDP, unknown publisher, server unavailable).</summary>
internal sealed class MediaException(string message, bool unavailable = false, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when the media server could not be reached, rather than refusing the request.</summary>
    public bool Unavailable { get; } = unavailable;
}
