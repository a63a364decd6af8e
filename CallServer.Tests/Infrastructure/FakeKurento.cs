using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CallServer.Tests.Infrastructure;

/// <summary>
/// A stand-in for Kurento Media Server, which cannot be installed here. It speaks Kurento's published JSON-RPC 2.0 protocol
/// (create, invoke, subscribe, unsubscribe, release, ping, connect; onEvent notifications; error codes 40007 INVALID_SESSION,
/// 40101 MEDIA_OBJECT_NOT_FOUND, -32601) with made-up SDP and candidates, and records what it was asked. A little over 300
/// lines: it is one protocol's server side, kept in one place so that it reads against Kurento's documentation.
/// </summary>
public sealed class FakeKurento : IAsyncDisposable
{
    public const string AnswerSdp = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=Kurento Media Server\r\nt=0 0\r\nm=video 1 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n";
    public const string OfferSdp = "v=0\r\no=- 2 2 IN IP4 0.0.0.0\r\ns=Kurento Media Server\r\nt=0 0\r\nm=video 1 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\na=sendonly\r\n";
    public const string Candidate = "candidate:1 1 UDP 2013266431 127.0.0.1 40000 typ host";

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<string, WebSocket> _sockets = new();
    private Dictionary<string, FakeObject> _objects = [];
    private HashSet<string> _sessions = [];
    private string _serverId = Guid.NewGuid().ToString();

    private FakeKurento(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>Every request, as "method operation object".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Every ICE candidate given with addIceCandidate, with the object it was given to.</summary>
    public ConcurrentQueue<(string Object, JsonObject Candidate)> Candidates { get; } = new();

    public static async Task<FakeKurento> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = FreePort.Next();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var app = builder.Build();
        var fake = new FakeKurento(app) { Url = $"ws://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/kurento" };
        app.UseWebSockets();
        app.Map("/kurento", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await fake.ServeAsync(socket);
        });
        await app.StartAsync();
        return fake;
    }

    /// <summary>The live (not released) objects of a type.</summary>
    public List<(string Id, string? Pipeline)> Live(string type)
    {
        lock (_gate)
        {
            return [.. _objects.Values.Where(o => o.Type == type).Select(o => (o.Id, o.Pipeline))];
        }
    }

    public List<string> Connections(string source)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(source, out var o) ? [.. o.Sinks] : [];
        }
    }

    /// <summary>What KMS does when it restarts: every session and object is gone, connections drop.</summary>
    public async Task RestartAsync()
    {
        lock (_gate)
        {
            _objects = [];
            _sessions = [];
            _serverId = Guid.NewGuid().ToString();
        }

        foreach (var socket in _sockets.Values)
        {
            socket.Abort();
        }

        await Task.CompletedTask;
    }

    private async Task ServeAsync(WebSocket socket)
    {
        var key = Guid.NewGuid().ToString();
        _sockets[key] = socket;
        string? bound = null;
        var buffer = new byte[256 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var request = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, received.Count))!.AsObject();
                var (reply, events) = Handle(request, ref bound);
                await SendAsync(socket, reply);
                foreach (var e in events)
                {
                    await SendAsync(socket, e);
                }
            }
        }
        catch (WebSocketException)
        {
            // aborted by a restart
        }
        finally
        {
            _sockets.TryRemove(key, out _);
        }
    }

    private (JsonObject Reply, List<JsonObject> Events) Handle(JsonObject request, ref string? bound)
    {
        var id = request["id"]?.DeepClone();
        var method = (string?)request["method"];
        var p = request["params"] as JsonObject ?? [];
        var events = new List<JsonObject>();
        Requests.Enqueue($"{method} {(string?)p["operation"]} {(string?)p["object"]}".Trim());
        lock (_gate)
        {
            var session = (string?)p["sessionId"] ?? bound;
            JsonObject Result(JsonNode? value, bool withValue = true)
            {
                var result = new JsonObject();
                if (session is not null)
                {
                    result["sessionId"] = session;
                }

                if (withValue)
                {
                    result["value"] = value;
                }

                return new JsonObject { ["id"] = id, ["jsonrpc"] = "2.0", ["result"] = result };
            }

            JsonObject Error(int code, string message, string? type) => new()
            {
                ["id"] = id,
                ["jsonrpc"] = "2.0",
                ["error"] = type is null
                    ? new JsonObject { ["code"] = code, ["message"] = message }
                    : new JsonObject { ["code"] = code, ["message"] = message, ["data"] = new JsonObject { ["type"] = type } },
            };

            if (method == "ping")
            {
                return (Result("pong"), events);
            }

            if (method == "connect")
            {
                if (p["sessionId"] is null)
                {
                    session = Guid.NewGuid().ToString();
                    _sessions.Add(session);
                }
                else if (!_sessions.Contains(session!))
                {
                    return (Error(40007, "Invalid session", "INVALID_SESSION"), events);
                }

                bound = session;
                var connected = new JsonObject { ["sessionId"] = session, ["serverId"] = _serverId };
                return (new JsonObject { ["id"] = id, ["jsonrpc"] = "2.0", ["result"] = connected }, events);
            }

            if (session is null)
            {
                session = Guid.NewGuid().ToString();
                _sessions.Add(session);
            }

            bound = session;
            switch (method)
            {
                case "create":
                    var type = (string?)p["type"];
                    if (type == "MediaPipeline")
                    {
                        var pipeline = $"{Guid.NewGuid()}_kurento.MediaPipeline";
                        _objects[pipeline] = new FakeObject(pipeline, type, null, session);
                        return (Result(pipeline), events);
                    }

                    if (type == "WebRtcEndpoint")
                    {
                        var parent = (string?)p["constructorParams"]?["mediaPipeline"];
                        if (parent is null || !_objects.ContainsKey(parent))
                        {
                            return (Error(40101, $"Object '{parent}' not found", "MEDIA_OBJECT_NOT_FOUND"), events);
                        }

                        var endpoint = $"{parent}/{Guid.NewGuid()}_kurento.WebRtcEndpoint";
                        _objects[endpoint] = new FakeObject(endpoint, type, parent, session);
                        return (Result(endpoint), events);
                    }

                    return (Error(40100, $"Type '{type}' not found", "MEDIA_OBJECT_TYPE_NOT_FOUND"), events);
                case "subscribe":
                case "invoke":
                    var objectId = (string?)p["object"] ?? "";
                    if (!_objects.TryGetValue(objectId, out var target))
                    {
                        return (Error(40101, $"Object '{objectId}' not found", "MEDIA_OBJECT_NOT_FOUND"), events);
                    }

                    if (method == "subscribe")
                    {
                        var eventType = (string?)p["type"];
                        if (eventType is not ("IceCandidateFound" or "MediaStateChanged" or "ConnectionStateChanged"))
                        {
                            return (Error(40106, $"Event '{eventType}' not supported", "MEDIA_OBJECT_EVENT_NOT_SUPPORTED"), events);
                        }

                        target.Events.Add(eventType);
                        return (Result(Guid.NewGuid().ToString()), events);
                    }

                    var parameters = p["operationParams"] as JsonObject ?? [];
                    switch ((string?)p["operation"])
                    {
                        case "processOffer" when ((string?)parameters["offer"])?.StartsWith("v=0", StringComparison.Ordinal) == true:
                            return (Result(AnswerSdp), events);
                        case "processOffer":
                            return (Error(40201, "SDP parse error", "SDP_PARSE_ERROR"), events);
                        case "generateOffer":
                            return (Result(OfferSdp), events);
                        case "processAnswer":
                            target.Answer = (string?)parameters["answer"];
                            return (Result(OfferSdp), events);
                        case "gatherCandidates":
                            if (target.Events.Contains("IceCandidateFound"))
                            {
                                events.Add(IceCandidateFound(objectId));
                            }

                            return (Result(null), events);
                        case "addIceCandidate":
                            Candidates.Enqueue((objectId, (JsonObject)parameters["candidate"]!.DeepClone()));
                            return (Result(null), events);
                        case "connect":
                            target.Sinks.Add((string)parameters["sink"]!);
                            return (Result(null), events);
                        default:
                            return (Error(40105, $"Method '{(string?)p["operation"]}' not found", "MEDIA_OBJECT_METHOD_NOT_FOUND"), events);
                    }

                case "unsubscribe":
                    return (Result(null, withValue: false), events);
                case "release":
                    var released = (string?)p["object"] ?? "";
                    foreach (var child in _objects.Keys.Where(k => k == released || k.StartsWith(released + "/", StringComparison.Ordinal)).ToList())
                    {
                        _objects.Remove(child);
                    }

                    return (Result(null, withValue: false), events);
                default:
                    return (Error(-32601, "Method not found.", null), events);
            }
        }
    }

    private static JsonObject IceCandidateFound(string objectId) => new()
    {
        ["jsonrpc"] = "2.0",
        ["method"] = "onEvent",
        ["params"] = new JsonObject
        {
            ["value"] = new JsonObject
            {
                ["data"] = new JsonObject
                {
                    ["candidate"] = new JsonObject
                    {
                        ["__module__"] = "kurento",
                        ["__type__"] = "IceCandidate",
                        ["candidate"] = Candidate,
                        ["sdpMLineIndex"] = 0,
                        ["sdpMid"] = "0",
                    },
                    ["source"] = objectId,
                    ["tags"] = new JsonArray(),
                    ["timestampMillis"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                    ["type"] = "IceCandidateFound",
                },
                ["object"] = objectId,
                ["type"] = "IceCandidateFound",
            },
        },
    };

    private static Task SendAsync(WebSocket socket, JsonObject message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        foreach (var socket in _sockets.Values)
        {
            socket.Abort();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class FakeObject(string id, string type, string? pipeline, string session)
    {
        public string Id { get; } = id;
        public string Type { get; } = type;
        public string? Pipeline { get; } = pipeline;
        public string Session { get; } = session;
        public HashSet<string> Events { get; } = [];
        public List<string> Sinks { get; } = [];
        public string? Answer { get; set; }
    }
}
