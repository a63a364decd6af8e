using CallServer.Domain.Rooms;

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
    /// The largest hub message, in bytes, so that every argument within its stated length fits: a <c>Signal</c> payload of
    /// non-ASCII text escaped as JSON (up to 6 bytes a character, as .NET clients send it), or an SDP (ASCII, its line breaks
    /// escaped), and the invocation around it. A larger message closes the connection, as SignalR does.
    /// </summary>
    public const int MaxMessageBytes = (MaxSignalPayload * 6 > MediaRules.MaxSdpLength * 5 / 4 ? MaxSignalPayload * 6 : MediaRules.MaxSdpLength * 5 / 4) + (8 * 1024);
}
