using System.Security.Claims;
using CallServer.Api;
using CallServer.Auth;
using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallServer.Hubs;

/// <summary>
/// Joins over the hub (docs/API.md §5.1): a connect to the room hub with <c>?room=</c> and no participant token joins the room
/// and connects in one change (<see cref="JoinAndConnect"/>). Everything a REST join checks is checked here, on the HTTP
/// request, before the WebSocket upgrade, so a refused join is a ProblemDetails answer (400, 401, 403, 429, 503) and not a
/// socket closed without a reason; what the room itself refuses (full, banned) refuses the connect with its error code. Only
/// WebSockets join (a negotiate is checked, not counted); the join rate of the address is taken by the upgrade alone.
/// </summary>
internal static class HubJoins
{
    public const string RoomParameter = "room";

    private const string AuthenticationType = "HubJoin";

    private static readonly object ItemKey = new();

    /// <summary>After authentication, before authorization: the room hub's joins become an authenticated principal and a request.</summary>
    public static IApplicationBuilder UseHubJoins(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!IsHubJoin(http))
        {
            await next(http);
            return;
        }

        var check = await CheckAsync(http);
        if (check.Problem is null && !IsNegotiate(http))
        {
            check = IsWebSocketUpgrade(http)
                ? LimitJoins(http, check.Request!)
                : (null, RoomProblems.Invalid("A join over the hub needs the WebSockets transport; the other transports connect with a participant token."));
        }

        if (check.Problem is { } problem)
        {
            await problem.ExecuteAsync(http);
            return;
        }

        http.Items[ItemKey] = check.Request;
        http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(RoomParameter, check.Request!.RoomId)], AuthenticationType));
        await next(http);
    });

    /// <summary>The join this connection asked for, or null for a connect with a participant token.</summary>
    public static HubJoinRequest? Of(HttpContext? http) => http?.Items[ItemKey] as HubJoinRequest;

    /// <summary>A join asks for the room hub with a room and without a participant token (a reconnect's token wins).</summary>
    private static bool IsHubJoin(HttpContext http) =>
        http.Request.Path.StartsWithSegments(HubPaths.Room)
        && http.Request.Query.ContainsKey(RoomParameter)
        && http.User.ParticipantId() is null;

    /// <summary>A WebSocket upgrade (HTTP/1.1, or HTTP/2's extended CONNECT); SignalR's WebSockets middleware runs later, in its endpoint.</summary>
    private static bool IsWebSocketUpgrade(HttpContext http) =>
        string.Equals(http.Request.Headers.Upgrade.ToString(), "websocket", StringComparison.OrdinalIgnoreCase)
        || string.Equals(http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpExtendedConnectFeature>()?.Protocol, "websocket", StringComparison.OrdinalIgnoreCase);

    private static bool IsNegotiate(HttpContext http) => http.Request.Path.StartsWithSegments(HubPaths.Room + "/negotiate");

    private static (HubJoinRequest? Request, ProblemHttpResult? Problem) LimitJoins(HttpContext http, HubJoinRequest request)
    {
        var address = Limits.ClientAddress.Of(http);
        if (http.RequestServices.GetRequiredService<Limits.HubJoinLimits>().Refuse(address) is not { } seconds)
        {
            return (request, null);
        }

        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (null, RoomProblems.Problem(Errors.ErrorCodes.RateLimited, $"Too many joins from this address; try again in {seconds} s."));
    }

    private static async Task<(HubJoinRequest? Request, ProblemHttpResult? Problem)> CheckAsync(HttpContext http)
    {
        var query = http.Request.Query;
        var roomId = query[RoomParameter].ToString();
        if (RoomInput.CheckRoomId(roomId) is { } badRoom)
        {
            return (null, RoomProblems.Invalid(badRoom));
        }

        if (http.RequestServices.GetRequiredService<Shutdown.InstanceDrain>().Draining)
        {
            return (null, RoomProblems.From(new RoomException(RoomErrorKind.Stopping, "This instance is shutting down; try again.")));
        }

        // tokens mode: the app's join token, from the query (browsers cannot set headers on WebSockets) or the header
        var joinTokens = http.RequestServices.GetRequiredService<JoinTokens>();
        var token = query["access_token"] is { Count: 1 } given ? given.ToString() : RoomsApi.BearerToken(http);
        JoinCheck? check = null;
        if (joinTokens.Required)
        {
            check = await joinTokens.CheckAsync(token, roomId);
            if (check is { Problem: { } refused })
            {
                return (null, IsParticipantToken(token) ? StaleParticipantToken()
                    : check.Status == StatusCodes.Status403Forbidden ? RoomProblems.Forbidden(refused) : RoomProblems.Unauthorized(refused));
            }
        }
        else if (!string.IsNullOrEmpty(token))
        {
            // a token that authentication did not take is never a reason to join someone anew
            return (null, IsParticipantToken(token) ? StaleParticipantToken()
                : RoomProblems.Unauthorized("This server takes no join tokens, and the token is not a valid participant token: join without one."));
        }

        var displayName = check?.Name ?? (query["displayName"] is { Count: 1 } name ? name.ToString() : null);
        if (displayName is null)
        {
            return (null, RoomProblems.Invalid("A join over the hub needs displayName in the query (or a join token with a name claim)."));
        }

        if (RoomInput.CheckDisplayName(displayName) is { } badName)
        {
            return (null, RoomProblems.Invalid(badName));
        }

        var joinKey = query["joinKey"] is { Count: 1 } key ? key.ToString() : null;
        if (joinKey is not null && RoomInput.CheckIdempotencyKey(joinKey, unguessable: check is null) is { } badKey)
        {
            return (null, RoomProblems.Invalid(badKey.Replace("Idempotency-Key", "joinKey", StringComparison.Ordinal)));
        }

        if (Flag(query, "audio") is not { } audio || Flag(query, "video") is not { } video)
        {
            return (null, RoomProblems.Invalid("audio and video, when given, must be true or false."));
        }

        return (new HubJoinRequest(roomId, new JoinRoom(displayName, joinKey, check?.Who, audio, video)), null);
    }

    /// <summary>What a token says it is (unvalidated): one of this server's participant tokens, by its issuer and audience.</summary>
    private static bool IsParticipantToken(string? token) =>
        AppTokens.Peek(token) is { Issuer: AuthOptions.Issuer } jwt && jwt.Audiences.Contains(AuthOptions.Audience);

    /// <summary>A participant token that did not hold (expired, or of another signing key): a reconnect, never a second join.</summary>
    private static ProblemHttpResult StaleParticipantToken() => RoomProblems.Unauthorized(
        "The participant token is not valid (expired?): renew it before it expires (POST /rooms/{roomId}/token), or join again with a join token or none.");

    /// <summary>A query flag: true when absent, null when not a boolean.</summary>
    private static bool? Flag(IQueryCollection query, string name) =>
        query[name] is not { Count: > 0 } value ? true : bool.TryParse(value.ToString(), out var flag) ? flag : null;
}

/// <summary>A join over the hub, checked: the room and the join its connect carries out.</summary>
internal sealed record HubJoinRequest(string RoomId, JoinRoom Join);
