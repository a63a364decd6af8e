using CallServer.Rooms;

namespace CallServer.Hubs;

/// <summary>The sizes the hub takes (docs/API.md §5), and the largest hub message, which agrees with them.</summary>
internal static class HubLimits
{
    /// <summary>Characters of a <c>Signal</c> payload.</summary>
    public const int MaxSignalPayload = 64 * 1024;

    /// <summary>Characters of a <c>SendData</c> payload.</summary>
    public const int MaxDataPayload = 16 * 1024;

    /// <summary>Recipients of one <c>SendData</c>.</summary>
    public const int MaxDataRecipients = 64;

    /// <summary>
    /// The largest hub message, in bytes: the largest argument (an SDP) with room for its JSON escapes (an SDP's line breaks)
    /// and the invocation around it. A larger message closes the connection, as SignalR does.
    /// </summary>
    public const int MaxMessageBytes = MediaRules.MaxSdpLength + (MediaRules.MaxSdpLength / 4) + (8 * 1024);
}
