using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CallServer.Domain.Media;
using CallServer.Media.Sfu;

namespace CallServer.Media.Janus;

/// <summary>
/// One WebSocket to Janus (subprotocol <c>janus-protocol</c>) holding one Janus session, kept alive and reopened when lost.
/// Replies are matched by transaction, whatever order Janus sends them in (an async request's <c>event</c> may come before
/// its <c>ack</c>); events without a transaction go to the listener of their handle (<c>sender</c>).
/// </summary>
internal sealed class JanusConnection(JanusOptions options, TimeProvider time, ILogger logger) : IMediaConnection
{
    private readonly PendingRequests<string, JsonObject> _pending = new("Janus", TimeSpan.FromSeconds(options.RequestTimeoutSeconds), time);
    private readonly MediaSession<long> _session = new("Janus is not reachable.", TimeSpan.FromSeconds(options.RequestTimeoutSeconds), time);
    private readonly ConcurrentDictionary<long, Action<JsonObject>> _listeners = new();
    private readonly BackgroundLoop _loop = new();
    private long _nextTransaction;

    /// <summary>Raised with the new session's generation (1, 2, …) each time a session opens; above 1 the previous one was lost.</summary>
    public event Action<int>? SessionOpened;

    public int Generation { get; private set; }

    public bool IsOpen => _session.IsOpen;

    public void Start() => _loop.Start(RunAsync);

    /// <summary>The open session's id and generation, waiting for one up to the request timeout.</summary>
    public async Task<(long SessionId, int Generation)> ReadyAsync(CancellationToken cancellationToken) =>
        (await _session.ReadyAsync(cancellationToken), Generation);

    public void Listen(long handleId, Action<JsonObject> listener) => _listeners[handleId] = listener;

    public void Forget(long handleId) => _listeners.TryRemove(handleId, out _);

    /// <summary>Sends a request in the open session and waits for the reply that ends it.</summary>
    public async Task<JsonObject> RequestAsync(JsonObject request, JanusCompletion completion, CancellationToken cancellationToken)
    {
        var (sessionId, _) = await ReadyAsync(cancellationToken);
        request["session_id"] = sessionId;
        return await SendAsync(request, completion, cancellationToken);
    }

    /// <summary>A plugin message on a handle (<c>body</c>, and a <c>jsep</c> when negotiating).</summary>
    public Task<JsonObject> MessageAsync(long handleId, JsonObject body, JsonObject? jsep, JanusCompletion completion, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["janus"] = "message", ["handle_id"] = handleId, ["body"] = body };
        if (jsep is not null)
        {
            request["jsep"] = jsep;
        }

        return RequestAsync(request, completion, cancellationToken);
    }

    public async Task<long> AttachAsync(CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(new JsonObject { ["janus"] = "attach", ["plugin"] = "janus.plugin.videoroom" }, JanusCompletion.Success, cancellationToken);
        return reply["data"]!["id"]!.GetValue<long>();
    }

    public async Task DetachQuietlyAsync(long handleId)
    {
        Forget(handleId);
        try
        {
            await RequestAsync(new JsonObject { ["janus"] = "detach", ["handle_id"] = handleId }, JanusCompletion.Success, CancellationToken.None);
        }
        catch (Exception ex) when (ex is JanusException or MediaException or TimeoutException or OperationCanceledException)
        {
            // gone already, or Janus is: nothing left to release
        }
    }

    private Task<JsonObject> SendAsync(JsonObject request, JanusCompletion completion, CancellationToken cancellationToken)
    {
        // the transaction carries what ends the request (Janus echoes it), so that a reply is matched without a lookup of its own
        var transaction = $"{(int)completion}-{Interlocked.Increment(ref _nextTransaction)}";
        request["transaction"] = transaction;
        if (!string.IsNullOrEmpty(options.ApiSecret))
        {
            // Janus's api_secret: every request of the Janus API carries it
            request["apisecret"] = options.ApiSecret;
        }

        return _pending.SendAsync(transaction, request, cancellationToken);
    }

    private Task RunAsync(CancellationToken stopping) =>
        JsonWebSocket.KeepConnectedAsync(new Uri(options.Url), "janus-protocol", SessionAsync, Lost,
            (ex, delay) => JanusLog.Unreachable(logger, ex, options.Url, (long)delay.TotalMilliseconds), time, stopping);

    private async Task<bool> SessionAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        _pending.Socket = socket;
        var receiving = JsonWebSocket.ReceiveAsync(socket, Dispatch, cancellationToken);
        var created = await SendAsync(new JsonObject { ["janus"] = "create" }, JanusCompletion.Success, cancellationToken);
        var sessionId = created["data"]!["id"]!.GetValue<long>();
        Generation++;
        _session.Opened(sessionId);
        JanusLog.SessionOpen(logger, sessionId, options.Url);
        SessionOpened?.Invoke(Generation);
        await Task.WhenAny(receiving, KeepAliveAsync(sessionId, cancellationToken));
        JanusLog.ConnectionLost(logger, receiving.Exception?.GetBaseException());
        return true;
    }

    private void Lost()
    {
        _session.Lost();
        _pending.Lost();
        _listeners.Clear();
    }

    private async Task KeepAliveAsync(long sessionId, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.KeepaliveSeconds), time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            // inside Janus's session_timeout, or the session and every peer connection in it go
            await SendAsync(new JsonObject { ["janus"] = "keepalive", ["session_id"] = sessionId }, JanusCompletion.Ack, cancellationToken);
        }
    }

    private void Dispatch(JsonObject message)
    {
        var kind = (string?)message["janus"];
        if ((string?)message["transaction"] is { } transaction && _pending.TryGet(transaction, out var reply))
        {
            var completion = (JanusCompletion)(transaction[0] - '0');
            switch (kind)
            {
                case "error":
                    reply.TrySetException(new JanusException((int?)message["error"]?["code"] ?? 490, (string?)message["error"]?["reason"] ?? "unknown"));
                    return;
                case "ack" when completion == JanusCompletion.Ack:
                case "success" when completion != JanusCompletion.Ack:
                case "event" when completion == JanusCompletion.Event:
                    if (message["plugindata"]?["data"]?["error_code"] is { } code)
                    {
                        reply.TrySetException(new JanusException((int)code, (string?)message["plugindata"]!["data"]!["error"] ?? "unknown"));
                    }
                    else
                    {
                        reply.TrySetResult(message);
                    }

                    return;
            }
        }

        if (kind == "timeout")
        {
            // the session expired: close, so that the loop opens a new one
            _ = _pending.Socket?.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "session timed out", CancellationToken.None);
            return;
        }

        if (message["sender"] is { } sender && _listeners.TryGetValue(sender.GetValue<long>(), out var listener))
        {
            JanusLog.Event(logger, sender.GetValue<long>(), kind ?? "?");
            listener(message);
        }
    }

    public ValueTask DisposeAsync() => _loop.StopAsync();
}
