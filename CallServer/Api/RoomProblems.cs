using CallServer.Domain.Rooms;
using CallServer.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallServer.Api;

/// <summary>RFC 9457 answers for everything a room can refuse, each with its error code (<see cref="ErrorCodes"/>).</summary>
internal static class RoomProblems
{
    public static ProblemHttpResult From(RoomException ex, string title) => Problem(RoomErrorCodes.Of(ex.Kind), ex.Message, title);

    public static ProblemHttpResult From(RoomException ex)
    {
        var problem = Problem(RoomErrorCodes.Of(ex.Kind), ex.Message);
        if (ex.InvitationState is { } state)
        {
            // the second device that answers learns how the call was answered
            problem.ProblemDetails.Extensions["state"] = state;
        }

        return problem;
    }

    /// <summary>An Idempotency-Key used before by another caller, or with another request.</summary>
    public static ProblemHttpResult KeyReused(string? detail = null) => Problem(
        ErrorCodes.KeyReused,
        detail ?? "This Idempotency-Key was used before by another caller or with another request; send a new key for a new request.");

    public static ProblemHttpResult Invalid(string detail) => Problem(ErrorCodes.InvalidRequest, detail);

    public static ProblemHttpResult Unauthorized(string detail) => Problem(ErrorCodes.Unauthorized, detail);

    public static ProblemHttpResult Forbidden(string detail) => Problem(ErrorCodes.Forbidden, detail);

    /// <summary>The answer for <paramref name="code"/>: its status, its title (unless <paramref name="title"/>), and its type URI.</summary>
    public static ProblemHttpResult Problem(ErrorCode code, string detail, string? title = null) =>
        TypedResults.Problem(detail, statusCode: code.Status, title: title ?? code.Title, type: code.Type);
}
