using System.Net;
using System.Net.Sockets;

namespace CallServer.Limits;

/// <summary>
/// Who a request comes from, for per-address limits: the peer address (the forwarded one, behind a known proxy). An IPv6
/// client is counted by its /64, which one subscriber usually holds whole.
/// </summary>
internal static class ClientAddress
{
    public static string Of(HttpContext context) => Of(context.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
