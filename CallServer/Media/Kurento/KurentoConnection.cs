using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using CallServer.Domain.Media;
using CallServer.Media.Sfu;

namespace CallServer.Media.Kurento;

/// <summary>
/// Kurento's JSON-RPC 2.0 over one WebSocket: requests matched by id, <c>sessionId</c> in every request, <c>onEvent</c>
/// notifications routed by object id, a ping to keep it alive. On a dropped connection it reconnects and resumes the session
/// (<c>connect {sessionId}</c>); when KMS answers INVALID_SESSION (it restarted) it opens a new session and reports the loss.
/// </summary>
internal sealed class KurentoConnection(KurentoOptions options, TimeProvider time, ILogger logger) : IMediaConnection
{
    private readonly PendingRequests<long, JsonNode?> _pending = new("Kurento", TimeSpan.FromSeconds(options.RequestTimeoutSeconds), time);
    private readonly MediaSession<string> _session = new("Kurento Media Server is not reachable.", TimeSpan.FromSeconds(options.RequestTimeoutSeconds), time);
    private readonly ConcurrentDictionary<string, Action<JsonObject>> _listeners = new(StringComparer.Ordinal);
    private readonly BackgroundLoop _loop = new();
    private string? _sessionId;
    private long _nextId;

    /// <summary>Raised with the new generation when a new session replaced a lost one (every object of the old one is gone).</summary>
    public event Action<int>? SessionLost;

    public int Generation { get; private set; }

    public bool IsOpen => _session.IsOpen;

    public void Start() => _loop.Start(RunAsync);

    public void Listen(string objectId, Action<JsonObject> listener) => _listeners[objectId] = listener;

    public void Forget(string objectId) => _listeners.TryRemove(objectId, out _);

    /// <summary>Waits for an open session, up to the request timeout.</summary>
    public async Task<int> ReadyAsync(CancellationToken cancellationToken)
    {
        await _session.ReadyAsync(cancellationToken);
        return Generation;
    }

    /// <summary>Sends a request in the session and returns its <c>result</c>.</summary>
    public async Task<JsonObject> CallAsync(string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        await ReadyAsync(cancellationToken);
        return await SendAsync(method, parameters, cancellationToken) as JsonObject ?? new JsonObject();
    }

    public async Task<string> CreateAsync(string type, JsonObject constructorParams, CancellationToken cancellationToken) =>
        (string)(await CallAsync("create", new JsonObject { ["type"] = type, ["constructorParams"] = constructorParams, ["properties"] = new JsonObject() }, cancellationToken))["value"]!;

    public async Task<JsonNode?> InvokeAsync(string objectId, string operation, JsonObject? operationParams, CancellationToken cancellationToken)
    {
        var parameters = new JsonObject { ["object"] = objectId, ["operation"] = operation };
        if (operationParams is not null)
        {
            parameters["operationParams"] = operationParams;
        }

        return (await CallAsync("invoke", parameters, cancellationToken))["value"];
    }

    public async Task ReleaseQuietlyAsync(string objectId)
    {
        Forget(objectId);
        try
        {
            await CallAsync("release", new JsonObject { ["object"] = objectId }, CancellationToken.None);
        }
        catch (Exception ex) when (ex is KurentoException or MediaException or TimeoutException)
        {
            // released already, or gone with KMS
        }
    }

    private Task<JsonNode?> SendAsync(string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        if (_sessionId is { } session && parameters["sessionId"] is null)
        {
            parameters["sessionId"] = session;
        }

        return _pending.SendAsync(id, new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters }, cancellationToken);
    }

    private Task RunAsync(CancellationToken stopping) =>
        JsonWebSocket.KeepConnectedAsync(new Uri(options.Url), null, SessionAsync, Lost,
            (ex, delay) => KurentoLog.Unreachable(logger, ex, options.Url, (long)delay.TotalMilliseconds), time, stopping);

    private async Task<bool> SessionAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        _pending.Socket = socket;
        var receiving = JsonWebSocket.ReceiveAsync(socket, Dispatch, cancellationToken);
        await OpenSessionAsync(cancellationToken);
        await Task.WhenAny(receiving, PingAsync(cancellationToken));
        KurentoLog.ConnectionLost(logger, receiving.Exception?.GetBaseException());
        return true;
    }

    private void Lost()
    {
        _session.Lost();
        _pending.Lost();
    }

    /// <summary>Resumes the session this connection had (KMS kept its objects), or opens a new one when KMS no longer knows it.</summary>
    private async Task OpenSessionAsync(CancellationToken cancellationToken)
    {
        var lost = false;
        if (_sessionId is { } previous)
        {
            try
            {
                await SendAsync("connect", new JsonObject { ["sessionId"] = previous }, cancellationToken);
            }
            catch (KurentoException ex) when (ex.Code == KurentoException.InvalidSession)
            {
                lost = true;
                _sessionId = null;
                _listeners.Clear();
            }
        }

        if (_sessionId is null)
        {
            var result = await SendAsync("connect", new JsonObject(), cancellationToken) as JsonObject;
            _sessionId = (string?)result?["sessionId"] ?? throw new MediaException("Kurento gave no session id.", unavailable: true);
            Generation++;
        }

        _session.Opened(_sessionId);
        KurentoLog.SessionOpen(logger, _sessionId, options.Url, Generation);
        if (lost)
        {
            SessionLost?.Invoke(Generation);
        }
    }

    private async Task PingAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.PingSeconds), time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            await SendAsync("ping", new JsonObject { ["interval"] = options.PingSeconds * 1000 * 3 }, cancellationToken);
        }
    }

    private void Dispatch(JsonObject message)
    {
        if ((string?)message["method"] == "onEvent")
        {
            if (message["params"]?["value"] is JsonObject value && (string?)value["object"] is { } objectId
                && _listeners.TryGetValue(objectId, out var listener))
            {
                listener(value);
            }

            return;
        }

        if (message["id"] is JsonValue id && id.TryGetValue<long>(out var key) && _pending.TryGet(key, out var pending))
        {
            if (message["error"] is JsonObject error)
            {
                pending.TrySetException(new KurentoException((int?)error["code"] ?? -32603, (string?)error["message"] ?? "", (string?)error["data"]?["type"]));
            }
            else
            {
                pending.TrySetResult(message["result"]);
            }
        }
    }

    public ValueTask DisposeAsync() => _loop.StopAsync();
}
