using CallServer.Auth;
using Microsoft.AspNetCore.SignalR;

namespace CallServer.Hubs;

/// <summary>Who is calling the hub, from the participant token.</summary>
internal readonly record struct HubCaller(string RoomId, string ParticipantId)
{
    public static HubCaller Of(HubCallerContext context) =>
        TryOf(context) ?? throw HubErrors.Refuse(Errors.ErrorCodes.Unauthorized, "The connection has no participant token.");

    /// <summary>The caller, or null for a connection without a participant token.</summary>
    public static HubCaller? TryOf(HubCallerContext context) =>
        context.User?.RoomId() is { } room && context.User.ParticipantId() is { } participant ? new HubCaller(room, participant) : null;
}
