using CallServer.Backup;
using CallServer.Domain.Rooms;
using CallServer.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CallServer.Api;

/// <summary>
/// REST's one translation of a failure that reaches the framework into RFC 9457 ProblemDetails, whichever endpoint met it:
/// a request it could not bind (400), what a room refuses (<see cref="RoomProblems.From(RoomException)"/>), and a backup store
/// that does not answer (503 with <c>Retry-After</c>, never a 500). The hub's: <c>RefusalHubFilter</c>.
/// </summary>
internal sealed class ProblemHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public const string Unavailable = "The backup store is unavailable; the change was not acknowledged. Try again.";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Translate(exception) is not { } answer)
        {
            return false;
        }

        httpContext.Response.StatusCode = answer.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = answer });
    }

    private static ProblemDetails? Translate(Exception exception) => exception switch
    {
        // requests the framework could not bind (malformed JSON, wrong types)
        BadHttpRequestException bad => new ProblemDetails { Status = bad.StatusCode, Detail = bad.Message, Type = ErrorCodes.ForStatus(bad.StatusCode).Type },
        RoomException refused => RoomProblems.From(refused).ProblemDetails,
        _ when StoreFailures.IsUnavailable(exception) => RoomProblems.Problem(ErrorCodes.StoreUnavailable, Unavailable).ProblemDetails,
        _ => null,
    };
}
