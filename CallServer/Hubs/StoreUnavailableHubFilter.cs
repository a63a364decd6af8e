using CallServer.Backup;
using Microsoft.AspNetCore.SignalR;

namespace CallServer.Hubs;

/// <summary>A hub method that met a backup store that does not answer fails with a HubException saying to retry, never a bare error.</summary>
internal sealed class StoreUnavailableHubFilter : IHubFilter
{
    public const string Message = "The backup store is unavailable; the change was not acknowledged. Try again.";

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

    private static async ValueTask<object?> AwaitAsync(ValueTask<object?> call)
    {
        try
        {
            return await call;
        }
        catch (Exception ex) when (StoreFailures.IsUnavailable(ex))
        {
            throw new HubException(Message);
        }
    }
}
