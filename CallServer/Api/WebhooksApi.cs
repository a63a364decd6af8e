using CallServer.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallServer.Api;

/// <summary>What webhook delivery did (docs/API.md §7), for admins: recent attempts, dead letters, and redelivery of one.</summary>
internal static class WebhooksApi
{
    public const int MaxAttemptsListed = WebhookQueue.MaxAttempts;

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder routes)
    {
        var webhooks = routes.MapGroup("/webhooks").WithTags("Webhooks").AddEndpointFilter<AdminAccess>().RequireRateLimiting(Limits.RatePolicies.Admin)
            .WithMetadata(ApiAuth.AdminOnly);
        webhooks.MapGet("/deliveries", DeliveriesAsync).WithName("listWebhookDeliveries").WithSummary("The latest delivery attempts, newest first").Problems(400, 401, 403, 429, 503);
        webhooks.MapGet("/failed", FailedAsync).WithName("listWebhookDeadLetters").WithSummary("Webhooks not delivered within Webhooks:MaxRetryHours (dead letters)").Problems(400, 401, 403, 429, 503);
        webhooks.MapPost("/failed/{id}/retry", RetryAsync).WithName("retryWebhook").WithSummary("Redeliver a dead letter, after what its room has queued").Problems(400, 401, 403, 404, 429, 503);
        return routes;
    }

    /// <summary>The latest delivery attempts, newest first: status, latency and error of each.</summary>
    private static async Task<Results<Ok<List<WebhookAttempt>>, ProblemHttpResult>> DeliveriesAsync(int? limit, WebhookQueue queue) =>
        limit is < 1 or > MaxAttemptsListed
            ? RoomProblems.Invalid($"limit is 1-{MaxAttemptsListed}.")
            : TypedResults.Ok(await queue.AttemptsAsync(limit ?? 100));

    /// <summary>Webhooks not delivered within <c>Webhooks:MaxRetryHours</c>, newest first.</summary>
    private static async Task<Results<Ok<List<WebhookDeadLetter>>, ProblemHttpResult>> FailedAsync(int? limit, WebhookQueue queue) =>
        limit is < 1 or > WebhookQueue.MaxDeadLetters
            ? RoomProblems.Invalid($"limit is 1-{WebhookQueue.MaxDeadLetters}.")
            : TypedResults.Ok(await queue.DeadLettersAsync(limit ?? 100));

    /// <summary>Puts a dead letter back at the end of its room's lane: it is delivered after what that room has queued.</summary>
    private static async Task<Results<Accepted, ProblemHttpResult>> RetryAsync(string id, WebhookQueue queue, WebhookEndpoints endpoints)
    {
        if (id.Length is 0 or > 200)
        {
            return RoomProblems.Invalid("id is the webhook-id of a dead letter.");
        }

        return await queue.RedeliverAsync(id, endpoints.ByUrl)
            ? TypedResults.Accepted((string?)null)
            : TypedResults.Problem($"No dead letter '{id}' for an endpoint that is still configured.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
    }
}
