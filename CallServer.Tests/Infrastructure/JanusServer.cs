using System.Diagnostics;
using System.Globalization;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace CallServer.Tests.Infrastructure;

/// <summary>
/// Debian's Janus with only the VideoRoom plugin and the WebSocket transport, on loopback. Janus gathers no candidates on
/// <c>lo</c>, so the test script's network namespace gives it a veth holding 127.0.0.1/32 (<see cref="Interface"/>) to use.
/// </summary>
public sealed class JanusServer : IAsyncLifetime
{
    public const string Interface = "fv0";

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
        await File.WriteAllTextAsync(Path.Combine(_dir, "janus.plugin.videoroom.jcfg"), "general: {\n}\n");
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

    public async Task DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
