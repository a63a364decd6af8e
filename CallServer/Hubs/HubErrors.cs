using CallServer.Errors;
using Microsoft.AspNetCore.SignalR;

namespace CallServer.Hubs;

/// <summary>Hub refusals with their error code: the message starts with <c>[code]</c>, which every SignalR client can read.</summary>
internal static class HubErrors
{
    public static HubException Refuse(ErrorCode code, string detail) => new(code.HubMessage(detail));

    public static HubException Invalid(string detail) => Refuse(ErrorCodes.InvalidRequest, detail);
}
