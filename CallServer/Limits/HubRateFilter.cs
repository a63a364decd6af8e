using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace CallServer.Limits;

/// <summary>
/// The hub's limits (<see cref="HubCallerLimits"/>), applied per participant so that a reconnect resets none of them: a
/// connect is refused while its participant or its address is over its connect rate or blocked after a flood; every hub call
/// takes a token from its participant's bucket, and a call without one is refused with a HubException. A participant refused
/// <see cref="LimitsOptions.HubFloodCloseAfter"/> times within 10 s has all its connections on this instance closed, and its
/// new ones refused for <see cref="LimitsOptions.HubFloodBlockSeconds"/>.
/// </summary>
internal sealed class HubRateFilter(
    HubCallerLimits callers,
    IOptions<LimitsOptions> options,
    Hubs.RoomConnections connections,
    Hubs.ConnectionCloser closer,
    ILogger<HubRateFilter> logger) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var address = context.Context.GetHttpContext() is { } http ? ClientAddress.Of(http) : "unknown";
        // a join over the hub has no participant yet: a bucket per connection would count nothing (§5.1)
        var refused = Hubs.HubCaller.TryOf(context.Context) is null ? callers.RefuseAddress(address) : callers.RefuseConnect(KeyOf(context.Context), address);
        if (refused is { } refusal)
        {
            LimitsLog.HubConnectRefused(logger, KeyOf(context.Context), address, refusal.Why);
            throw Hubs.HubErrors.Refuse(Errors.ErrorCodes.RateLimited, $"Too many connections: {refusal.Why}. Try again in {refusal.RetryAfterSeconds} s.");
        }

        await next(context);
    }

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var caller = invocationContext.Context;
        var key = KeyOf(caller);
        if (callers.TryCall(key))
        {
            return next(invocationContext);
        }

        var limits = options.Value;
        if (callers.RefusedOverFloodLimit(key))
        {
            // every connection of the participant on this instance, not just the one that called: a reconnect starts no new bucket
            List<HubCallerContext> all = Hubs.HubCaller.TryOf(caller) is { } who ? connections.OfParticipant(who.RoomId, who.ParticipantId) : [];
            if (!all.Contains(caller))
            {
                all.Add(caller);
            }

            LimitsLog.HubFloodClosed(logger, key, all.Count, limits.HubFloodCloseAfter, limits.HubFloodBlockSeconds);
            closer.CloseLater(all, Hubs.CloseReason.RateLimited);
        }

        throw Hubs.HubErrors.Refuse(Errors.ErrorCodes.RateLimited,
            $"Too many hub calls: a participant may make {limits.HubCallsPerSecond} per second (bursts of {limits.HubCallBurst}). Slow down; a participant that keeps going is disconnected for a while.");
    }

    /// <summary>The participant a connection belongs to (its room and id), or the connection itself when it has no participant.</summary>
    private static string KeyOf(HubCallerContext context) =>
        Hubs.HubCaller.TryOf(context) is { } caller ? $"{caller.RoomId}/{caller.ParticipantId}" : "connection/" + context.ConnectionId;
}
