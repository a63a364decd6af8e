using CallServer.Domain.Rooms;
using CallServer.Errors;
using CallServer.History;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallServer.Api;

/// <summary>The call history (docs/API.md §4), for admins: a room's calls, newest first and paginated, and one call with its events.</summary>
internal static class CallsApi
{
    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapCalls(this IEndpointRouteBuilder routes)
    {
        var calls = routes.MapGroup("").WithTags("History").AddEndpointFilter<AdminAccess>().RequireRateLimiting(Limits.RatePolicies.Admin)
            .WithMetadata(ApiAuth.AdminOnly);
        calls.MapGet("/rooms/{roomId}/calls", CallsOfRoomAsync).WithName("listRoomCalls").WithSummary("A room's calls, newest first (page with before={callId})").Problems(400, 401, 403, 429, 503);
        calls.MapGet("/calls/{callId}", CallAsync).WithName("getCall").WithSummary("One call, its participants and its events in order").Problems(400, 401, 403, 404, 429, 503);
        calls.MapGet("/history/dead-letters", DeadLettersAsync).WithName("listHistoryDeadLetters").WithSummary("History events the database refused for good").Problems(400, 401, 403, 429, 503);
        return routes;
    }

    /// <summary>The newest history events the database refused for good (set aside so that the events behind them went on).</summary>
    private static async Task<Results<Ok<IReadOnlyList<DeadLetter>>, ProblemHttpResult>> DeadLettersAsync(
        int? limit, HistoryDeadLetters deadLetters, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            return RoomProblems.Invalid($"limit is 1-{MaxPageSize}.");
        }

        return TypedResults.Ok(await deadLetters.ListAsync(limit ?? MaxPageSize, cancellationToken));
    }

    /// <param name="before">The callId of the last call of the previous page: the page goes on with older calls.</param>
    private static async Task<Results<Ok<IReadOnlyList<CallRecord>>, ProblemHttpResult>> CallsOfRoomAsync(
        string roomId, int? limit, string? before, HistoryStore store, CancellationToken cancellationToken)
    {
        if (RoomInput.CheckRoomId(roomId) is { } badRoom)
        {
            return RoomProblems.Invalid(badRoom);
        }

        if (limit is < 1 or > MaxPageSize)
        {
            return RoomProblems.Invalid($"limit is 1-{MaxPageSize}.");
        }

        if (before is not null && !Guid.TryParse(before, out _))
        {
            return RoomProblems.Invalid("before is the callId of the last call of the previous page.");
        }

        return await Read(store.IsUnavailable, () => store.CallsOfRoomAsync(roomId, limit ?? 20, before is null ? null : HistoryStore.CallKey(before), cancellationToken));
    }

    private static async Task<Results<Ok<CallDetails>, ProblemHttpResult>> CallAsync(
        string callId, HistoryStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(callId, out _))
        {
            return RoomProblems.Invalid("callId is a UUID.");
        }

        try
        {
            return await store.CallAsync(HistoryStore.CallKey(callId), cancellationToken) is { } call
                ? TypedResults.Ok(call)
                : RoomProblems.Problem(ErrorCodes.NotFound, $"No call '{callId}' in the history.", "Unknown call");
        }
        catch (Exception ex) when (store.IsUnavailable(ex))
        {
            return Unavailable();
        }
    }

    /// <summary>A read of the history's database: its answer, or 503 when <paramref name="isUnavailable"/> says the database is down.</summary>
    internal static async Task<Results<Ok<T>, ProblemHttpResult>> Read<T>(Func<Exception, bool> isUnavailable, Func<Task<T>> read)
    {
        try
        {
            return TypedResults.Ok(await read());
        }
        catch (Exception ex) when (isUnavailable(ex))
        {
            return Unavailable();
        }
    }

    private static ProblemHttpResult Unavailable() =>
        RoomProblems.Problem(ErrorCodes.Unavailable, "The call history is unavailable; try again.", "History unavailable");
}
