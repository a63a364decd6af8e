using CallServer.Auth;
using CallServer.History;
using CallServer.Limits;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallServer.Api;

/// <summary>
/// Each user's recent calls (docs/API.md §10): its own with a user token, anyone's with the admin key, and the missed-call badge.
/// A user token only ever reads the rows of the identity it was issued for.
/// </summary>
internal static class RecentCallsApi
{
    public static void MapRecentCalls(this IEndpointRouteBuilder routes)
    {
        var mine = routes.MapGroup("/users/me/calls").WithTags("Recent calls").RequireAuthorization(UserTokenAuthentication.Policy)
            .RequireRateLimiting(RatePolicies.Read).WithMetadata(new ApiAuth(ApiAuth.User));
        mine.MapGet("", MyCallsAsync).WithName("listMyCalls")
            .WithSummary("The user's recent calls, newest first (page with before={callId}; missed=true for missed calls only)")
            .Problems(400, 401, 429, 503);
        mine.MapGet("/missed-count", MyMissedCountAsync).WithName("countMyMissedCalls")
            .WithSummary("How many of the user's calls were missed after since (the app's badge)")
            .Problems(400, 401, 429, 503);

        routes.MapGroup("").WithTags("Recent calls").AddEndpointFilter<AdminAccess>().RequireRateLimiting(RatePolicies.Admin).WithMetadata(ApiAuth.AdminOnly)
            .MapGet("/users/{identity}/calls", CallsOfUserAsync).WithName("listUserCalls")
            .WithSummary("A user's recent calls, as it sees them (admin)")
            .Problems(400, 401, 403, 429, 503);
    }

    /// <param name="before">The callId of the last call of the previous page: the page goes on with older calls.</param>
    /// <param name="missed">true: only incoming calls that were missed.</param>
    private static Task<Results<Ok<IReadOnlyList<RecentCallRecord>>, ProblemHttpResult>> MyCallsAsync(
        int? limit, string? before, bool? missed, HttpContext http, RecentCallsStore store, CancellationToken cancellationToken) =>
        ListAsync(http.User.UserIdentity()!, limit, before, missed, store, cancellationToken);

    private static Task<Results<Ok<IReadOnlyList<RecentCallRecord>>, ProblemHttpResult>> CallsOfUserAsync(
        string identity, int? limit, string? before, bool? missed, RecentCallsStore store, CancellationToken cancellationToken) =>
        AppTokens.IsIdentity(identity)
            ? ListAsync(identity, limit, before, missed, store, cancellationToken)
            : Task.FromResult<Results<Ok<IReadOnlyList<RecentCallRecord>>, ProblemHttpResult>>(
                RoomProblems.Invalid("identity is 1-128 characters of letters, digits and _ . @ : -."));

    /// <param name="since">Count only calls missed after this time (ISO 8601); all of them without it.</param>
    private static Task<Results<Ok<MissedCallCount>, ProblemHttpResult>> MyMissedCountAsync(
        DateTimeOffset? since, HttpContext http, RecentCallsStore store, CancellationToken cancellationToken) =>
        CallsApi.Read(store.IsUnavailable, async () => new MissedCallCount(await store.MissedCountAsync(http.User.UserIdentity()!, since, cancellationToken)));

    private static async Task<Results<Ok<IReadOnlyList<RecentCallRecord>>, ProblemHttpResult>> ListAsync(
        string identity, int? limit, string? before, bool? missed, RecentCallsStore store, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > CallsApi.MaxPageSize)
        {
            return RoomProblems.Invalid($"limit is 1-{CallsApi.MaxPageSize}.");
        }

        if (before is not null && !Guid.TryParse(before, out _))
        {
            return RoomProblems.Invalid("before is the callId of the last call of the previous page.");
        }

        var after = before is null ? null : HistoryStore.CallKey(before);
        return await CallsApi.Read(store.IsUnavailable, () => store.RecentAsync(identity, limit ?? 20, after, missed ?? false, cancellationToken));
    }
}
