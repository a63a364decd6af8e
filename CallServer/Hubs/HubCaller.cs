using CallServer.Auth;
using Microsoft.AspNetCore.SignalR;

namespace CallServer.Hubs;

/// <summary>Who is calling the hub: from the participant token, or from the join the connection carried out (§5.1).</summary>
internal readonly record struct HubCaller(string RoomId, string ParticipantId)
{
    private static readonly object ItemKey = new();

    public static HubCaller Of(HubCallerContext context) =>
        TryOf(context) ?? throw HubErrors.Refuse(Errors.ErrorCodes.Unauthorized, "The connection has no participant token.");

    /// <summary>The caller, or null for a connection without a participant (yet).</summary>
    public static HubCaller? TryOf(HubCallerContext context) =>
        context.User?.RoomId() is { } room && context.User.ParticipantId() is { } participant ? new HubCaller(room, participant)
        : context.Items.TryGetValue(ItemKey, out var joined) ? (HubCaller)joined! : null;

    /// <summary>The participant a join over the hub made of this connection.</summary>
    public static void Joined(HubCallerContext context, HubCaller caller) => context.Items[ItemKey] = caller;
}
