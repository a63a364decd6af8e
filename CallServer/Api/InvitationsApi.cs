using System.Security.Cryptography;
using System.Text;
using CallServer.Auth;
using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using CallServer.Limits;
using CallServer.Media;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CallServer.Api;

/// <summary>
/// Calling people (docs/API.md §9): user tokens, dialing, inviting into a call, and answering, declining and canceling
/// invitations. The rules are the room's (<see cref="RoomRules"/>); this checks who calls and what it sends.
/// </summary>
internal static class InvitationsApi
{
    public static void MapInvitations(this IEndpointRouteBuilder routes)
    {
        var users = routes.MapGroup("/users").WithTags("Calling");
        users.MapPost("/token", IssueUserTokenAsync).WithName("issueUserToken").RequireRateLimiting(RatePolicies.Join).WithMetadata(ApiAuth.Join)
            .WithSummary("A user token for any identity (open mode only)")
            .WithDescription("On a server without Auth:JoinSecret, where anyone may be anyone; in tokens mode the app's backend signs user tokens (404 here).")
            .Problems(400, 404, 429);

        var calls = routes.MapGroup("").WithTags("Calling");
        calls.MapPost("/calls", DialAsync).WithName("dial").RequireAuthorization(UserTokenAuthentication.Policy).RequireRateLimiting(RatePolicies.Join)
            .WithMetadata(new ApiAuth(ApiAuth.User))
            .WithSummary("Dial: a new call that rings 1-16 identities")
            .WithDescription("The caller joins a new room; each identity gets a ringing invitation. Answers as a join does. Send an Idempotency-Key to retry safely.")
            .Problems(400, 401, 409, 413, 422, 429, 503);
        calls.MapPost("/rooms/{roomId}/invitations", InviteAsync).WithName("invite").RequireAuthorization().RequireRateLimiting(RatePolicies.Join)
            .WithMetadata(ApiAuth.ParticipantOnly)
            .WithSummary("Invite identities into a call")
            .Problems(400, 401, 403, 409, 413, 429, 503);
        calls.MapDelete("/rooms/{roomId}/invitations/{invitationId}", CancelAsync).WithName("cancelInvitation").RequireRateLimiting(RatePolicies.Leave)
            .WithMetadata(ApiAuth.ParticipantOrAdmin)
            .WithSummary("Cancel a ringing invitation")
            .WithDescription("By the participant who invited, a participant with the admin grant, or the admin key.")
            .Problems(400, 401, 403, 404, 409, 429, 503);
        calls.MapGet("/invitations/{invitationId}", GetAsync).WithName("getInvitation").RequireAuthorization(UserTokenAuthentication.Policy)
            .RequireRateLimiting(RatePolicies.Read).WithMetadata(new ApiAuth(ApiAuth.User))
            .WithSummary("An invitation, for its invitee").Problems(401, 404, 429, 503);
        calls.MapPost("/invitations/{invitationId}/accept", AcceptAsync).WithName("acceptInvitation").RequireAuthorization(UserTokenAuthentication.Policy)
            .RequireRateLimiting(RatePolicies.Join).WithMetadata(new ApiAuth(ApiAuth.User))
            .WithSummary("Answer: join the call")
            .WithDescription("Joins the invitee with its identity and the default grants; 409 with the invitation's state once it has ended (answered elsewhere, declined, canceled, missed). Send an Idempotency-Key to retry safely.")
            .Problems(400, 401, 403, 404, 409, 413, 422, 429, 503);
        calls.MapPost("/invitations/{invitationId}/decline", DeclineAsync).WithName("declineInvitation").RequireAuthorization(UserTokenAuthentication.Policy)
            .RequireRateLimiting(RatePolicies.Leave).WithMetadata(new ApiAuth(ApiAuth.User))
            .WithSummary("Decline (declined, or busy)").Problems(400, 401, 404, 409, 413, 429, 503);
    }

    private static Results<Ok<UserTokenResponse>, ProblemHttpResult> IssueUserTokenAsync([FromBody] UserTokenRequest? request, JoinTokens joins, UserTokens users)
    {
        if (joins.Required)
        {
            return RoomProblems.Problem(Errors.ErrorCodes.NotFound, "Tokens mode: your app's backend signs user tokens (scope user) with Auth:JoinSecret.");
        }

        if (!AppTokens.IsIdentity(request?.Identity))
        {
            return RoomProblems.Invalid("identity is 1-128 characters of letters, digits and _ . @ : -.");
        }

        if (request!.DisplayName is { } name && RoomInput.CheckDisplayName(name) is { } badName)
        {
            return RoomProblems.Invalid(badName);
        }

        var (token, expiresAt) = users.Issue(request.Identity!, request.DisplayName);
        return TypedResults.Ok(new UserTokenResponse(token, expiresAt));
    }

    private static async Task<Results<Ok<JoinResponse>, ProblemHttpResult>> DialAsync(
        [FromBody] DialRequest? request,
        [FromHeader(Name = IdempotentReplies.Header)] string? idempotencyKey,
        HttpContext http,
        RoomSupervisor rooms,
        IdempotentReplies replies,
        JoinAnswers answers,
        JoinTokens joins,
        SigningKeys keys,
        IOptions<RoomsOptions> options,
        Shutdown.InstanceDrain drain,
        CancellationToken cancellationToken)
    {
        var identity = http.User.UserIdentity()!;
        var displayName = http.User.UserName() ?? request?.DisplayName ?? identity;
        if (Invalid(request?.To, request?.RingSeconds, request?.Metadata) is { } bad)
        {
            return bad;
        }

        if (JoinRefusal(displayName, idempotencyKey, !joins.Required, drain) is { } refused)
        {
            return refused;
        }

        // a retried dial goes to the same room: its id follows from the caller and the key (else it is random)
        var roomId = idempotencyKey is null
            ? RoomIds.Unguessable.NewRoomId()
            : "call-" + Convert.ToHexStringLower(HMACSHA256.HashData(keys.Key.Key, Encoding.UTF8.GetBytes($"{identity}\n{idempotencyKey}")))[..32];
        var who = new JoinIdentity(identity, null, ParticipantGrants.Default);
        return await RoomsApi.WithIdempotency(roomId, "dial", idempotencyKey, IdempotentReplies.Fingerprint(identity, displayName), replies, ApiJson.Default.JoinResponse, async () =>
        {
            var join = new JoinRoom(displayName, idempotencyKey, who, request!.Audio ?? true, request.Video ?? true);
            var reply = await rooms.AskAsync(roomId, new Dial(join, request.To!, request.RingSeconds ?? options.Value.RingSeconds, request.Metadata), cancellationToken);
            return answers.For(roomId, reply);
        }, cancellationToken);
    }

    private static async Task<Results<Ok<RoomStatus>, ProblemHttpResult>> InviteAsync(
        string roomId, [FromBody] InviteRequest? request, HttpContext http, RoomSupervisor rooms, IOptions<RoomsOptions> options, CancellationToken cancellationToken)
    {
        if (RoomInput.CheckRoomId(roomId) is { } badRoom)
        {
            return RoomProblems.Invalid(badRoom);
        }

        if (http.User.RoomId() != roomId)
        {
            return RoomProblems.Forbidden($"The token is not for room '{roomId}'.");
        }

        if (Invalid(request?.To, request?.RingSeconds, request?.Metadata) is { } bad)
        {
            return bad;
        }

        var invite = new Invite(http.User.ParticipantId()!, request!.To!, request.RingSeconds ?? options.Value.RingSeconds, request.Metadata);
        return TypedResults.Ok((await rooms.AskAsync(roomId, invite, cancellationToken)).Status);
    }

    private static async Task<Results<Ok<RoomStatus>, ProblemHttpResult>> CancelAsync(
        string roomId, string invitationId, HttpContext http, RoomSupervisor rooms, AdminAccess admin, CancellationToken cancellationToken)
    {
        if (RoomInput.CheckRoomId(roomId) is { } badRoom)
        {
            return RoomProblems.Invalid(badRoom);
        }

        string? by = null;
        if (!admin.IsAdmin(http))
        {
            if (http.User.Identity?.IsAuthenticated != true || http.User.ParticipantId() is not { } participant)
            {
                return RoomProblems.Unauthorized("A participant token of this room (Authorization: Bearer) or the admin key is required.");
            }

            if (http.User.RoomId() != roomId)
            {
                return RoomProblems.Forbidden($"The token is not for room '{roomId}'.");
            }

            by = participant;
        }

        return TypedResults.Ok((await rooms.AskAsync(roomId, new CancelInvitation(invitationId, by), cancellationToken)).Status);
    }

    private static async Task<Results<Ok<InvitationView>, ProblemHttpResult>> GetAsync(
        string invitationId, HttpContext http, RoomSupervisor rooms, CancellationToken cancellationToken) =>
        await ForInviteeAsync(invitationId, http, rooms, identity => new GetInvitation(invitationId, identity), cancellationToken);

    private static async Task<Results<Ok<InvitationView>, ProblemHttpResult>> DeclineAsync(
        string invitationId, [FromBody] DeclineRequest? request, HttpContext http, RoomSupervisor rooms, CancellationToken cancellationToken)
    {
        var reason = request?.Reason ?? InvitationStates.Declined;
        return reason is InvitationStates.Declined or InvitationStates.Busy
            ? await ForInviteeAsync(invitationId, http, rooms, identity => new DeclineInvitation(invitationId, identity, reason), cancellationToken)
            : RoomProblems.Invalid("reason is declined or busy.");
    }

    private static async Task<Results<Ok<JoinResponse>, ProblemHttpResult>> AcceptAsync(
        string invitationId,
        [FromBody] AcceptRequest? request,
        [FromHeader(Name = IdempotentReplies.Header)] string? idempotencyKey,
        HttpContext http,
        RoomSupervisor rooms,
        IdempotentReplies replies,
        JoinAnswers answers,
        JoinTokens joins,
        Shutdown.InstanceDrain drain,
        CancellationToken cancellationToken)
    {
        var identity = http.User.UserIdentity()!;
        if (InvitationIds.RoomOf(invitationId) is not { } roomId || RoomInput.CheckRoomId(roomId) is not null)
        {
            return NoInvitation();
        }

        var displayName = http.User.UserName() ?? request?.DisplayName ?? identity;
        if (JoinRefusal(displayName, idempotencyKey, !joins.Required, drain) is { } refused)
        {
            return refused;
        }

        var who = new JoinIdentity(identity, null, ParticipantGrants.Default);
        return await RoomsApi.WithIdempotency(roomId, "accept", idempotencyKey, IdempotentReplies.Fingerprint(identity, displayName), replies, ApiJson.Default.JoinResponse, async () =>
        {
            var join = new JoinRoom(displayName, idempotencyKey, who, request?.Audio ?? true, request?.Video ?? true);
            return answers.For(roomId, await rooms.AskAsync(roomId, new AcceptInvitation(invitationId, join), cancellationToken));
        }, cancellationToken);
    }

    /// <summary>Asks the invitation's room on behalf of its invitee; answers the invitation as it stands after.</summary>
    private static async Task<Results<Ok<InvitationView>, ProblemHttpResult>> ForInviteeAsync(
        string invitationId, HttpContext http, RoomSupervisor rooms, Func<string, RoomChange> command, CancellationToken cancellationToken)
    {
        if (InvitationIds.RoomOf(invitationId) is not { } roomId || RoomInput.CheckRoomId(roomId) is not null)
        {
            return NoInvitation();
        }

        var status = (await rooms.AskAsync(roomId, command(http.User.UserIdentity()!), cancellationToken)).Status;
        return status.Invitations?.FirstOrDefault(i => i.InvitationId == invitationId) is { } invitation
            ? TypedResults.Ok(invitation)
            : NoInvitation();
    }

    /// <summary>What refuses a join of a user (a dial, an accept) before its room is asked: its name, its key, a draining instance.</summary>
    private static ProblemHttpResult? JoinRefusal(string displayName, string? idempotencyKey, bool openMode, Shutdown.InstanceDrain drain)
    {
        if (RoomInput.CheckDisplayName(displayName) is { } badName)
        {
            return RoomProblems.Invalid(badName);
        }

        // on an open server anyone may be anyone: a key alone guards the answer, so it must be unguessable (as for joins)
        if (idempotencyKey is not null && RoomInput.CheckIdempotencyKey(idempotencyKey, unguessable: openMode) is { } badKey)
        {
            return RoomProblems.Invalid(badKey);
        }

        return drain.Draining ? RoomProblems.From(new RoomException(RoomErrorKind.Stopping, "This instance is shutting down; try again.")) : null;
    }

    private static ProblemHttpResult NoInvitation() => RoomProblems.Problem(Errors.ErrorCodes.NotFound, "No such invitation for this user.");

    private static ProblemHttpResult? Invalid(IReadOnlyList<string>? to, int? ringSeconds, string? metadata)
    {
        if (to is not { Count: >= 1 and <= RoomRules.MaxRinging } || !to.All(AppTokens.IsIdentity))
        {
            return RoomProblems.Invalid($"to lists 1-{RoomRules.MaxRinging} identities (1-128 characters of letters, digits and _ . @ : -).");
        }

        if (ringSeconds is < 5 or > 120)
        {
            return RoomProblems.Invalid("ringSeconds is 5 to 120.");
        }

        return metadata is { Length: > Invitation.MaxMetadataLength }
            ? RoomProblems.Invalid($"metadata is at most {Invitation.MaxMetadataLength} characters.")
            : null;
    }
}
