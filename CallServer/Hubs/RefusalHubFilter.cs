using CallServer.Backup;
using CallServer.Domain.Rooms;
using Microsoft.AspNetCore.SignalR;

namespace CallServer.Hubs;

/// <summary>
/// The hub's one translation of a refusal: a room that refuses a call (<see cref="RoomException"/>) and a backup store that does
/// not answer both fail the call, or the connect, with a HubException saying why, its message starting with the error code
/// (<c>[not_in_room] …</c>), never a bare error. (REST: ProblemHandler.)
/// </summary>
internal sealed class RefusalHubFilter : IHubFilter
{
    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        // a call answered without waiting costs no state machine; a call that throws at once is translated like one that fails later
        ValueTask<object?> call;
        try
        {
            call = next(invocationContext);
        }
        catch (Exception ex)
        {
            call = ValueTask.FromException<object?>(ex);
        }

        return call.IsCompletedSuccessfully ? call : AwaitAsync(call);
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (Translate(ex) is { } refusal)
        {
            throw refusal;
        }
    }

    private static async ValueTask<object?> AwaitAsync(ValueTask<object?> call)
    {
        try
        {
            return await call;
        }
        catch (Exception ex) when (Translate(ex) is { } refusal)
        {
            throw refusal;
        }
    }

    private static HubException? Translate(Exception ex) => ex switch
    {
        RoomException refused => HubErrors.Refuse(Errors.RoomErrorCodes.Of(refused.Kind), refused.Message),
        _ when StoreFailures.IsUnavailable(ex) => HubErrors.Refuse(Errors.ErrorCodes.StoreUnavailable, Api.ProblemHandler.Unavailable),
        _ => null,
    };
}
