using CallServer.Backup;
using Microsoft.AspNetCore.Diagnostics;

namespace CallServer.Api;

/// <summary>
/// The last net under every endpoint: a backup store that does not answer is a 503 ProblemDetails with <c>Retry-After</c>,
/// never a 500, whichever call met it.
/// </summary>
internal sealed class StoreUnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!StoreFailures.IsUnavailable(exception))
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Backup unavailable",
                Detail = "The backup store is unavailable; the change was not acknowledged. Try again.",
            },
        });
    }
}
