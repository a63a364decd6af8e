using CallServer.Backup;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using CallServer.Hubs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CallServer.Api;

/// <summary>Moderation with the admin key (docs/API.md §4): mute, remove, the room's metadata; ending a call is <c>DELETE /rooms/{id}</c>.</summary>
internal static class ModerationApi
{
    public static RouteGroupBuilder MapModeration(this IEndpointRouteBuilder routes)
    {
        var rooms = routes.MapGroup("/rooms").WithTags("Moderation").AddEndpointFilter<AdminAccess>().RequireRateLimiting(Limits.RatePolicies.Admin)
            .WithMetadata(ApiAuth.AdminOnly);
        rooms.MapPost("/{roomId}/participants/{participantId}/mute", MuteAsync).WithName("muteParticipant")
            .WithSummary("Turn a participant's media off").Problems(400, 401, 403, 404, 413, 429, 503);
        rooms.MapDelete("/{roomId}/participants/{participantId}", RemoveAsync).WithName("removeParticipant")
            .WithSummary("Remove a participant (reason kicked; its identity may not rejoin the call for Rooms:KickBanSeconds)").Problems(400, 401, 403, 404, 429, 503);
        // room metadata is up to 4,096 characters, each up to 6 bytes as escaped JSON: above the general body limit
        rooms.MapPatch("/{roomId}", MetadataAsync).WithName("setRoomMetadata").WithMetadata(new Limits.RequestBodyLimit((Domain.Rooms.Commands.SetRoomMetadata.MaxLength * 6) + 1024))
            .WithSummary("Set the room's metadata").Problems(400, 401, 403, 404, 413, 429, 503);
        return rooms;
    }

    private static async Task<Results<Ok<RoomStatus>, ProblemHttpResult>> MuteAsync(
        string roomId, string participantId, [FromBody] MuteRequest? request, RoomSupervisor rooms, ISignalPublisher signals, CancellationToken cancellationToken)
    {
        if (Check(roomId, participantId) is { } bad)
        {
            return bad;
        }

        if (request?.Keep() is not { } keep)
        {
            return RoomProblems.Invalid("A JSON body that turns something off is required: { \"muteAudio\": true, \"muteVideo\": true } (either or both).");
        }

        return await AskAsync(rooms, roomId, new MuteParticipant(null, participantId, keep.KeepAudio, keep.KeepVideo),
            reply => MutedNotice.SendAsync(signals, roomId, null, reply, cancellationToken), cancellationToken);
    }

    private static async Task<Results<Ok<RoomStatus>, ProblemHttpResult>> RemoveAsync(
        string roomId, string participantId, RoomSupervisor rooms, CancellationToken cancellationToken) =>
        Check(roomId, participantId) is { } bad
            ? bad
            : await AskAsync(rooms, roomId, new RemoveParticipant(null, participantId), null, cancellationToken);

    private static async Task<Results<Ok<RoomStatus>, ProblemHttpResult>> MetadataAsync(
        string roomId, [FromBody] RoomMetadataRequest? request, RoomSupervisor rooms, CancellationToken cancellationToken)
    {
        if (RoomInput.CheckRoomId(roomId) is { } badRoom)
        {
            return RoomProblems.Invalid(badRoom);
        }

        if (request is null || request.Metadata is { Length: > SetRoomMetadata.MaxLength })
        {
            return RoomProblems.Invalid($"A JSON body {{ \"metadata\": \"...\" }} is required, metadata at most {SetRoomMetadata.MaxLength} characters.");
        }

        return await AskAsync(rooms, roomId, new SetRoomMetadata(null, request.Metadata), null, cancellationToken);
    }

    private static ProblemHttpResult? Check(string roomId, string participantId) =>
        RoomInput.CheckRoomId(roomId) is { } badRoom ? RoomProblems.Invalid(badRoom)
        : participantId.Length is 0 or > 64 ? RoomProblems.Invalid("participantId is a participant id of this room.")
        : null;

    private static async Task<Results<Ok<RoomStatus>, ProblemHttpResult>> AskAsync(
        RoomSupervisor rooms, string roomId, RoomCommand command, Func<RoomReply, Task>? then, CancellationToken cancellationToken)
    {
        var reply = await rooms.AskAsync(roomId, command, cancellationToken);
        if (then is not null)
        {
            await then(reply);
        }

        return TypedResults.Ok(reply.Status);
    }
}
