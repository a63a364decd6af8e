using CallServer.Backup;

namespace CallServer.Api;

/// <summary>Every 503 and 429 tells the client when to try again (<c>Retry-After</c>, in seconds).</summary>
internal static class RetryAfter
{
    public static IApplicationBuilder UseRetryAfter(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var response = (HttpResponse)state;
                if (response.StatusCode is StatusCodes.Status503ServiceUnavailable or StatusCodes.Status429TooManyRequests
                    && !response.Headers.ContainsKey("Retry-After"))
                {
                    response.Headers.RetryAfter = ((int)StoreFailures.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return Task.CompletedTask;
            }, context.Response);
            return next(context);
        });
}
