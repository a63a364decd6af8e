using CallServer.Domain.Rooms;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallServer.Api;

/// <summary>RFC 9457 answers for everything a room can refuse.</summary>
internal static class RoomProblems
{
    public static ProblemHttpResult From(RoomException ex, string title) =>
        TypedResults.Problem(ex.Message, statusCode: From(ex).StatusCode, title: title);

    public static ProblemHttpResult From(RoomException ex) => ex.Kind switch
    {
        RoomErrorKind.NotLive => Problem(StatusCodes.Status404NotFound, "Room not live", ex.Message),
        RoomErrorKind.Full => Problem(StatusCodes.Status409Conflict, "Room full", ex.Message),
        RoomErrorKind.UnknownParticipant => Problem(StatusCodes.Status404NotFound, "Unknown participant", ex.Message),
        RoomErrorKind.Crashed => Problem(StatusCodes.Status500InternalServerError, "Room restarted", ex.Message),
        RoomErrorKind.Busy => Problem(StatusCodes.Status503ServiceUnavailable, "Room busy", ex.Message),
        RoomErrorKind.InvalidMedia => Problem(StatusCodes.Status400BadRequest, "Media request refused", ex.Message),
        RoomErrorKind.MediaUnavailable => Problem(StatusCodes.Status503ServiceUnavailable, "Media server unavailable", ex.Message),
        RoomErrorKind.Stopping => Problem(StatusCodes.Status503ServiceUnavailable, "Server stopping", ex.Message),
        RoomErrorKind.NotAllowed => Problem(StatusCodes.Status403Forbidden, "Not allowed", ex.Message),
        RoomErrorKind.KeyReused => KeyReused(ex.Message),
        RoomErrorKind.AtCapacity => Problem(StatusCodes.Status503ServiceUnavailable, "Server at capacity", ex.Message),
        _ => Problem(StatusCodes.Status503ServiceUnavailable, "Backup unavailable", ex.Message),
    };

    /// <summary>An Idempotency-Key used before by another caller, or with another request.</summary>
    public static ProblemHttpResult KeyReused(string? detail = null) => Problem(
        StatusCodes.Status422UnprocessableEntity,
        "Idempotency-Key reused",
        detail ?? "This Idempotency-Key was used before by another caller or with another request; send a new key for a new request.");

    public static ProblemHttpResult Invalid(string detail) => Problem(StatusCodes.Status400BadRequest, "Invalid request", detail);

    public static ProblemHttpResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    public static ProblemHttpResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, "Forbidden", detail);

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);
}
