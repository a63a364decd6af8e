using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using CallServer.Domain.Media;

namespace CallServer.Media;

/// <summary>
/// Requests to a media server over its JSON WebSocket (Janus, Kurento), each waiting for the reply that carries its key:
/// registered before it is sent (a reply can never come before its key is known), sent one frame at a time, waited for up
/// to the request timeout, and all failed as unavailable when the connection is lost.
/// </summary>
internal sealed class PendingRequests<TKey, TReply>(string server, TimeSpan timeout, TimeProvider time)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TaskCompletionSource<TReply>> _pending = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    /// <summary>The connected socket; null while there is none.</summary>
    public ClientWebSocket? Socket { get; set; }

    /// <summary>Sends <paramref name="request"/> and waits for the reply to <paramref name="key"/>.</summary>
    public async Task<TReply> SendAsync(TKey key, JsonObject request, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<TReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[key] = reply;
        try
        {
            var socket = Socket ?? throw new MediaException($"{server} is not connected.", unavailable: true);
            await JsonWebSocket.SendAsync(socket, _sendLock, request, cancellationToken);
            return await reply.Task.WaitAsync(timeout, time, cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException or ObjectDisposedException)
        {
            throw new MediaException($"{server} did not answer ({ex.Message}).", unavailable: true, ex);
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    /// <summary>The request waiting for <paramref name="key"/>, if any.</summary>
    public bool TryGet(TKey key, [MaybeNullWhen(false)] out TaskCompletionSource<TReply> reply) => _pending.TryGetValue(key, out reply);

    /// <summary>The connection was lost: every waiting request fails as unavailable.</summary>
    public void Lost()
    {
        Socket = null;
        foreach (var reply in _pending.Values)
        {
            reply.TrySetException(new MediaException($"The connection to {server} was lost.", unavailable: true));
        }
    }
}
