using CallServer.Rooms;
using Microsoft.AspNetCore.Diagnostics;

namespace CallServer.Api;

/// <summary>
/// REST's one translation of what a room refuses (<see cref="RoomException"/>): the ProblemDetails of its kind
/// (<see cref="RoomProblems.From(RoomException)"/>), whichever endpoint asked. A store that does not answer: StoreUnavailableHandler.
/// </summary>
internal sealed class RoomRefusalHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not RoomException refused)
        {
            return false;
        }

        var answer = RoomProblems.From(refused).ProblemDetails;
        httpContext.Response.StatusCode = answer.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = answer });
    }
}
