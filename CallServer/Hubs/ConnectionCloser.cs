using Microsoft.AspNetCore.SignalR;

namespace CallServer.Hubs;

/// <summary>
/// Every close of a hub connection by the server: <c>closing</c> with its reason first, then the close a moment later, so
/// that the notice (and whatever event came just before it) is flushed to the client before the socket goes.
/// </summary>
internal sealed class ConnectionCloser(IHubContext<RoomHub> hub, TimeProvider time, ILogger<ConnectionCloser> logger)
{
    /// <summary>How long a connection stays open after its last event.</summary>
    public static readonly TimeSpan CloseDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>Tells the connections why, then closes them after <see cref="CloseDelay"/>; returns at once.</summary>
    public void CloseLater(IReadOnlyCollection<HubCallerContext> connections, CloseReason reason)
    {
        if (connections.Count == 0)
        {
            return;
        }

        _ = CloseAsync(connections, reason, CloseDelay);
    }

    /// <summary>Tells the connections why, waits <paramref name="delay"/>, and closes them.</summary>
    public async Task CloseAsync(IReadOnlyCollection<HubCallerContext> connections, CloseReason reason, TimeSpan delay)
    {
        try
        {
            await NoticeAsync(connections, reason, CancellationToken.None);
            await Task.Delay(delay, time);
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection.Abort();
            }
        }
    }

    /// <summary>Only the notice (the caller closes them itself).</summary>
    public async Task NoticeAsync(IReadOnlyCollection<HubCallerContext> connections, CloseReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await hub.Clients.Clients([.. connections.Select(c => c.ConnectionId)])
                .SendAsync(HubMethods.Closing, new ClosingMessage(reason.Code, reason.Reconnect), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // a connection that is gone already needs no notice; the close goes on
            HubLog.ClosingNoticeFailed(logger, ex, reason.Code);
        }
    }
}
