using System.Diagnostics;
using System.Globalization;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace CallServer.Tests.Infrastructure;

/// <summary>
/// Debian's Janus with only the VideoRoom plugin and the WebSocket transport, on loopback. Janus gathers no candidates on
/// <c>lo</c>, so the test script's network namespace gives it a veth holding 127.0.0.1/32 (<see cref="Interface"/>) to use.
/// </summary>
public sealed class JanusServer : IAsyncLifetime
{
    public const string Interface = "fv0";

    /// <summary>Janus's <c>api_secret</c>: every request must carry it (CallServer's <c>Media:Janus:ApiSecret</c>).</summary>
    public const string ApiSecret = "test-janus-api-secret";

    /// <summary>The VideoRoom plugin's <c>admin_key</c>: needed to create rooms, and to list private ones.</summary>
    public const string AdminKey = "test-videoroom-admin-key";

    private readonly string _dir = Directory.CreateTempSubdirectory("callserver-janus-").FullName;
    private Process? _process;

    public int Port { get; } = FreePort.Next();

    public string Url => $"ws://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A CallServer whose rooms go through this Janus.</summary>
    public CallServerApplication StartCallServer(string redis, int requestTimeoutSeconds, IReadOnlyDictionary<string, string?>? settings = null) =>
        new CallServerApplication(redis, settings: new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Media:Mode"] = "janus",
            ["Media:Janus:Url"] = Url,
            ["Media:Janus:RequestTimeoutSeconds"] = requestTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            ["Media:Janus:ApiSecret"] = ApiSecret,
            ["Media:Janus:AdminKey"] = AdminKey,
        }).Start();

    public async Task InitializeAsync()
    {
        if (!File.Exists("/usr/bin/janus"))
        {
            throw new InvalidOperationException("janus is not installed: run the tests through ./scripts/test.sh, which installs it.");
        }

        if (!NetworkInterface.GetAllNetworkInterfaces().Any(i => i.Name == Interface))
        {
            throw new InvalidOperationException(
                $"No '{Interface}' interface: media tests run inside the network namespace that ./scripts/test.sh makes (loopback only).");
        }

        var lib = "/usr/lib/x86_64-linux-gnu/janus";
        var rtpBase = 20000 + (Port % 200 * 100);
        await File.WriteAllTextAsync(Path.Combine(_dir, "janus.jcfg"), $$"""
            general: {
                configs_folder = "{{_dir}}"
                plugins_folder = "{{lib}}/plugins"
                transports_folder = "{{lib}}/transports"
                events_folder = "{{lib}}/events"
                loggers_folder = "{{lib}}/loggers"
                debug_level = 3
                debug_colors = false
                session_timeout = 60
                api_secret = "{{ApiSecret}}"
            }
            media: {
                rtp_port_range = "{{rtpBase}}-{{rtpBase + 99}}"
            }
            nat: {
                nice_debug = false
                ice_enforce_list = "{{Interface}}"
            }
            plugins: {
                disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_streaming.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so"
            }
            transports: {
                disable = "libjanus_http.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so"
            }
            loggers: {
                disable = "libjanus_jsonlog.so"
            }
            events: {
                broadcast = false
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(_dir, "janus.transport.websockets.jcfg"), $$"""
            general: {
                json = "compact"
                ws = true
                ws_port = {{Port}}
                ws_ip = "127.0.0.1"
                wss = false
            }
            admin: {
                admin_ws = false
                admin_wss = false
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(_dir, "janus.plugin.videoroom.jcfg"), $"general: {{\n    admin_key = \"{AdminKey}\"\n}}\n");
        await StartAsync();
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("/usr/bin/janus") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-F", _dir, "-C", Path.Combine(_dir, "janus.jcfg"), "-o", "-L", Path.Combine(_dir, "janus.log"), "-N" })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.TrueAsync(async () =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            return true;
        }, $"janus on port {Port}");
    }

    /// <summary>kill -9: Janus and every session, room and peer connection in it are gone.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>The numbers of the VideoRooms Janus holds: with the admin key every one, without it only public ones.</summary>
    public async Task<List<long>> ListRoomsAsync(bool withAdminKey = true)
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("janus-protocol");
        await socket.ConnectAsync(new Uri(Url), CancellationToken.None);
        var session = (await RequestAsync(socket, new JsonObject { ["janus"] = "create" }))["data"]!["id"]!.GetValue<long>();
        var handle = (await RequestAsync(socket, new JsonObject { ["janus"] = "attach", ["plugin"] = "janus.plugin.videoroom", ["session_id"] = session }))["data"]!["id"]!.GetValue<long>();
        var listed = await RequestAsync(socket, new JsonObject
        {
            ["janus"] = "message",
            ["session_id"] = session,
            ["handle_id"] = handle,
            ["body"] = withAdminKey ? new JsonObject { ["request"] = "list", ["admin_key"] = AdminKey } : new JsonObject { ["request"] = "list" },
        });
        await RequestAsync(socket, new JsonObject { ["janus"] = "destroy", ["session_id"] = session });
        return listed["plugindata"]!["data"]!["list"]!.AsArray().Select(r => r!["room"]!.GetValue<long>()).ToList();
    }

    /// <summary>One synchronous Janus request (with the API secret), and its reply.</summary>
    private static async Task<JsonObject> RequestAsync(ClientWebSocket socket, JsonObject request)
    {
        var transaction = Guid.NewGuid().ToString("N");
        request["transaction"] = transaction;
        request["apisecret"] = ApiSecret;
        await socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            var reply = JsonNode.Parse(buffer.AsSpan(0, received.Count))!.AsObject();
            if ((string?)reply["transaction"] == transaction && (string?)reply["janus"] != "ack")
            {
                return (string?)reply["janus"] == "error" ? throw new InvalidOperationException(reply.ToJsonString()) : reply;
            }
        }
    }

    public async Task DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
