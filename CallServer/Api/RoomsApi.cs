using CallServer.Auth;
using CallServer.Backup;
using CallServer.Domain.Media;
using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using CallServer.Limits;
using CallServer.Media;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CallServer.Api;

/// <summary>The REST surface of rooms (docs/API.md §4): join, leave, status, and the admin list and end.</summary>
internal static class RoomsApi
{
    public static RouteGroupBuilder MapRooms(this IEndpointRouteBuilder routes)
    {
        var rooms = routes.MapGroup("/rooms").WithTags("Rooms");
        rooms.MapPost("/{roomId}/join", JoinAsync).WithName("joinRoom").RequireRateLimiting(RatePolicies.Join).WithMetadata(ApiAuth.Join)
            .WithSummary("Join a room (creating its call if needed)")
            .WithDescription("Answers the participant's id and token (for the hub and for leave), the room's status, the media mode and the ICE servers. "
                + "Send an Idempotency-Key to retry safely. In tokens mode a join token is required and names the participant.")
            .Problems(400, 401, 403, 409, 413, 422, 429, 503);
        rooms.MapPost("/{roomId}/leave", LeaveAsync).WithName("leaveRoom").RequireAuthorization().RequireRateLimiting(RatePolicies.Leave).WithMetadata(ApiAuth.ParticipantOnly)
            .WithSummary("Leave a room")
            .WithDescription("403 once the participant is no longer in the room, unless this retries its own leave with the same Idempotency-Key.")
            .Problems(400, 401, 403, 422, 429, 503);
        rooms.MapPost("/{roomId}/token", RenewTokenAsync).WithName("renewToken").RequireAuthorization().RequireRateLimiting(RatePolicies.Read).WithMetadata(ApiAuth.ParticipantOnly)
            .WithSummary("Renew a participant token")
            .WithDescription("A new token for the same participant, while it is in the room; call it before the token's tokenExpiresAt (an expired token is refused with 401).")
            .Problems(401, 403, 429, 503);
        rooms.MapGet("/{roomId}", GetAsync).WithName("getRoom").RequireRateLimiting(RatePolicies.Read).WithMetadata(ApiAuth.ParticipantOrAdmin)
            .WithSummary("A room's status")
            .WithDescription("For a participant of the room (while it is in it) or an admin.")
            .Problems(400, 401, 403, 404, 429, 503);

        var admin = rooms.MapGroup("").AddEndpointFilter<AdminAccess>().RequireRateLimiting(RatePolicies.Admin).WithMetadata(ApiAuth.AdminOnly);
        admin.MapGet("/", ListAsync).WithName("listRooms").WithSummary("Live rooms").Problems(401, 403, 429, 503);
        admin.MapDelete("/{roomId}", EndAsync).WithName("endCall").WithSummary("End a call for everyone").Problems(400, 401, 403, 404, 429, 503);
        if (routes.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<RoomsOptions>>().Value.EnableFaultInjection)
        {
            // for chaos tests and benchmarks only: not even mapped otherwise (and refused at start in Production)
            admin.MapPost("/{roomId}/crash", CrashAsync).WithSummary("Crash a room's worker (fault injection)").ExcludeFromDescription();
        }

        return rooms;
    }

    private static async Task<Results<Ok<JoinResponse>, ProblemHttpResult>> JoinAsync(
        string roomId,
        [FromBody] JoinRequest? request,
        [FromHeader(Name = IdempotentReplies.Header)] string? idempotencyKey,
        HttpContext http,
        RoomSupervisor rooms,
        JoinTokens joinTokens,
        IdempotentReplies replies,
        JoinAnswers answers,
        Shutdown.InstanceDrain drain,
        CancellationToken cancellationToken)
    {
        if (RoomInput.CheckRoomId(roomId) is { } badRoom)
        {
            return RoomProblems.Invalid(badRoom);
        }

        if (drain.Draining)
        {
            // a rolling deploy: the load balancer sends the retry to another instance
            return RoomProblems.From(new RoomException(RoomErrorKind.Stopping, "This instance is shutting down; try again."));
        }

        // tokens mode: the app's backend says who joins, with what name and rights
        var check = joinTokens.Required ? await joinTokens.CheckAsync(BearerToken(http), roomId) : null;
        if (check is { Problem: { } refused })
        {
            return check.Status == StatusCodes.Status403Forbidden ? RoomProblems.Forbidden(refused) : RoomProblems.Unauthorized(refused);
        }

        var displayName = check?.Name ?? request?.DisplayName;
        if (request is null && displayName is null)
        {
            return RoomProblems.Invalid("A JSON body { \"displayName\": \"...\" } is required.");
        }

        if (RoomInput.CheckDisplayName(displayName) is { } badName)
        {
            return RoomProblems.Invalid(badName);
        }

        if (idempotencyKey is not null && RoomInput.CheckIdempotencyKey(idempotencyKey, unguessable: check is null) is { } badKey)
        {
            return RoomProblems.Invalid(badKey);
        }

        // a retry key answers only the identity that used it first (tokens mode), with the same request
        var fingerprint = IdempotentReplies.Fingerprint(check?.Who?.Identity, displayName);
        return await WithIdempotency(roomId, "join", idempotencyKey, fingerprint, replies, ApiJson.Default.JoinResponse, async () =>
        {
            var join = new JoinRoom(displayName!, idempotencyKey, check?.Who, request?.Audio ?? true, request?.Video ?? true);
            return answers.For(roomId, await rooms.AskAsync(roomId, join, cancellationToken));
        }, cancellationToken);
    }

    private static async Task<Results<Ok<RoomStatus>, ProblemHttpResult>> LeaveAsync(
        string roomId,
        [FromHeader(Name = IdempotentReplies.Header)] string? idempotencyKey,
        HttpContext http,
        RoomSupervisor rooms,
        IdempotentReplies replies,
        CancellationToken cancellationToken)
    {
        if (http.User.RoomId() != roomId)
        {
            return RoomProblems.Forbidden($"The token is not for room '{roomId}'.");
        }

        if (idempotencyKey is not null && RoomInput.CheckIdempotencyKey(idempotencyKey) is { } badKey)
        {
            return RoomProblems.Invalid(badKey);
        }

        // a departed participant's token leaves nothing: 403, unless this is the retry of its own leave
        var participantId = http.User.ParticipantId()!;
        return await WithIdempotency(roomId, "leave", idempotencyKey, IdempotentReplies.Fingerprint(participantId), replies, ApiJson.Default.RoomStatus, async () =>
            (await rooms.AskAsync(roomId, new LeaveRoom(participantId, RequireMember: true, LeaveKey: idempotencyKey), cancellationToken)).Status, cancellationToken);
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RenewTokenAsync(
        string roomId, HttpContext http, RoomSupervisor rooms, TokenIssuer tokens, CancellationToken cancellationToken)
    {
        if (http.User.RoomId() != roomId)
        {
            return RoomProblems.Forbidden($"The token is not for room '{roomId}'.");
        }

        // only for a participant still in the room: a departed one's token renews nothing (403 not_in_room)
        var participantId = http.User.ParticipantId()!;
        await rooms.AskAsync(roomId, new CheckMember(participantId), cancellationToken);
        var (token, expiresAt) = tokens.Issue(roomId, participantId);
        return TypedResults.Ok(new TokenResponse(token, expiresAt));
    }

    private static async Task<Results<Ok<RoomStatus>, ProblemHttpResult>> GetAsync(
        string roomId, HttpContext http, AdminAccess admin, RoomSupervisor rooms, CancellationToken cancellationToken)
    {
        if (RoomInput.CheckRoomId(roomId) is { } badRoom)
        {
            return RoomProblems.Invalid(badRoom);
        }

        if (!admin.IsAdmin(http))
        {
            if (http.User.Identity?.IsAuthenticated != true)
            {
                return RoomProblems.Unauthorized("A participant token of this room (Authorization: Bearer) or the admin key is required.");
            }

            if (http.User.RoomId() != roomId)
            {
                return RoomProblems.Forbidden($"The token is not for room '{roomId}'.");
            }
        }

        var answer = await Ask(rooms, roomId, new GetStatus(), cancellationToken);
        // a participant token is good for reads only while its participant is in the room (not after it left or was replaced)
        if (!admin.IsAdmin(http) && answer.Result is Ok<RoomStatus> { Value: { } status }
            && !status.Participants.Any(p => p.ParticipantId == http.User.ParticipantId()))
        {
            return RoomProblems.Problem(Errors.ErrorCodes.NotInRoom, $"The token's participant is no longer in room '{roomId}': join again.");
        }

        return answer;
    }

    private static async Task<Results<Ok<List<RoomSummary>>, ProblemHttpResult>> ListAsync(
        RoomBackup backup, CancellationToken cancellationToken)
    {
        var list = new List<RoomSummary>();
        await foreach (var state in backup.LiveRoomsAsync(cancellationToken))
        {
            list.Add(new RoomSummary(state.RoomId, state.CallId, RoomStatus.From(state).State, state.Participants.Count, state.Version));
        }

        return TypedResults.Ok(list.OrderBy(r => r.RoomId, StringComparer.Ordinal).ToList());
    }

    private static async Task<Results<Ok<RoomStatus>, ProblemHttpResult>> EndAsync(
        string roomId, RoomSupervisor rooms, CancellationToken cancellationToken) =>
        RoomInput.CheckRoomId(roomId) is { } badRoom
            ? RoomProblems.Invalid(badRoom)
            : await Ask(rooms, roomId, new EndCall(LeaveReasons.Ended), cancellationToken);

    private static async Task<Results<Ok<RoomStatus>, ProblemHttpResult>> CrashAsync(
        string roomId, RoomSupervisor rooms, CancellationToken cancellationToken) =>
        RoomInput.CheckRoomId(roomId) is { } badRoom
            ? RoomProblems.Invalid(badRoom)
            : await Ask(rooms, roomId, new CrashRoom(), cancellationToken);

    private static async Task<Results<Ok<RoomStatus>, ProblemHttpResult>> Ask(
        RoomSupervisor rooms, string roomId, RoomCommand command, CancellationToken cancellationToken) =>
        TypedResults.Ok((await rooms.AskAsync(roomId, command, cancellationToken)).Status);

    /// <summary>
    /// Runs <paramref name="act"/> once per idempotency key: a retry with the same <paramref name="fingerprint"/> gets the first
    /// answer, and anyone else's use of the key gets 422.
    /// </summary>
    internal static async Task<Results<Ok<T>, ProblemHttpResult>> WithIdempotency<T>(
        string roomId, string operation, string? key, string fingerprint, IdempotentReplies replies,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, Func<Task<T>> act, CancellationToken cancellationToken)
        where T : class
    {
        if (key is not null)
        {
            var replay = await replies.FindAsync(roomId, operation, key, fingerprint, type, cancellationToken);
            if (replay.Conflict)
            {
                return RoomProblems.KeyReused();
            }

            if (replay.Reply is { } first)
            {
                return TypedResults.Ok(first);
            }
        }

        var reply = await act();
        if (key is not null)
        {
            // kept even when the caller went away meanwhile: its retry must find the answer
            await replies.KeepAsync(roomId, operation, key, fingerprint, reply, type, CancellationToken.None);
        }

        return TypedResults.Ok(reply);
    }

    internal static string? BearerToken(HttpContext http) =>
        http.Request.Headers.Authorization.ToString() is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? value["Bearer ".Length..].Trim()
            : null;
}
