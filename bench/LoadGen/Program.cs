using System.Globalization;
using System.Text.Json;
using LoadGen.Clients;
using LoadGen.Net;
using LoadGen.Report;
using LoadGen.Scenarios;

// The load generator of bench/run.sh: one scenario per call, one JSON result line appended to --out.
//   LoadGen fanout      --target callserver|baseline|limit --url URL --pid SERVER_PID --rooms 200 --participants 10 --rate 1.5 --seconds 20 [--warmup 5] [--label NAME] [--protocol json|messagepack]
//                       [--redis HOST:PORT]   (URL and PID may list several instances, comma-separated; --redis: Redis's bytes and CPU per change)
//   LoadGen joins       --target callserver|baseline [--label NAME] --url URL --pid PID --rate 500 --seconds 10 [--warmup 5]
//   every scenario: CallServer's participants join over the hub (one change), or with --join rest by REST and then connect
//   LoadGen changes     --target callserver --label callserver-ack1 --url URL --pid PID --rooms 50 --participants 2 --rate 5 --seconds 15 [--warmup 5]
//   LoadGen webhooks    --target callserver --label callserver-webhooks --url URL --pid PID --hook-port PORT --rooms 50 --participants 2 --rate 5 --seconds 15 [--warmup 5]
//   LoadGen ringing     --url URL --pid PID --hook-port PORT --rate 20 --seconds 15 [--warmup 5]   (an open server, webhooks of invitation.ringing to PORT)
//   LoadGen crash       --target callserver --url URL --pid PID --admin-key KEY --rooms 40 --seconds 10
//   LoadGen restart     --target callserver --url URL --pid PID --admin-key KEY --rooms 1000 --count 500 --server-cmd "dotnet ..."
//   LoadGen connections --target callserver|baseline|limit --url URL --pid PID --count 20000
//   LoadGen idle-rooms  --target callserver|baseline --url URL --pid PID --count 10000 [--idle-seconds 40]
//   LoadGen report      --in results.jsonl --out RESULTS.md --charts DIR --command "bench/run.sh"
var options = Options.Parse(args);
var scenario = args.Length > 0 ? args[0] : "help";
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(20));
if (scenario == "report")
{
    ReportWriter.Write(options.Get("in"), options.Get("out"), options.Get("charts"), options.Get("command", "bench/run.sh"));
    return 0;
}

// --url and --pid may name several instances sharing a Redis, comma-separated (each room on one of them: BenchTarget.ServerFor)
var target = new BenchTarget(options.Get("target", "callserver"), [.. options.Get("url").Split(',').Select(u => new Uri(u))],
    new SourceAddresses(int.Parse(options.Get("addresses", "8"), CultureInfo.InvariantCulture)), options.Get("protocol", "json") == "messagepack",
    joinOverHub: options.Get("join", "hub") == "hub");
var probe = new ServerProbe([.. options.Get("pid", "0").Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture))]);
var redisProbe = options.Get("redis", "") is { Length: > 0 } redisEndpoint ? new RedisProbe(redisEndpoint) : null;
var seconds = TimeSpan.FromSeconds(double.Parse(options.Get("seconds", "10"), CultureInfo.InvariantCulture));
BenchResult result;
switch (scenario)
{
    case "fanout":
        result = await Fanout.RunAsync(target, probe, redisProbe, options.Int("rooms", 200), options.Int("participants", 10),
            double.Parse(options.Get("rate", "1.5"), CultureInfo.InvariantCulture), seconds,
            TimeSpan.FromSeconds(double.Parse(options.Get("warmup", "0"), CultureInfo.InvariantCulture)), cancel.Token);
        result = result with { Target = options.Get("label", target.Kind) };
        break;
    case "joins":
        result = await Joins.RunAsync(target, probe, double.Parse(options.Get("rate", "250"), CultureInfo.InvariantCulture), seconds,
            TimeSpan.FromSeconds(double.Parse(options.Get("warmup", "0"), CultureInfo.InvariantCulture)), cancel.Token);
        result = result with { Target = options.Get("label", target.Kind) };
        break;
    case "changes":
        result = await Changes.RunAsync(target, probe, options.Get("label", target.Kind), options.Int("rooms", 50), options.Int("participants", 2),
            double.Parse(options.Get("rate", "5"), CultureInfo.InvariantCulture), seconds,
            TimeSpan.FromSeconds(double.Parse(options.Get("warmup", "0"), CultureInfo.InvariantCulture)), cancel.Token);
        break;
    case "webhooks":
        {
            // the changes load, with the server delivering a webhook for each change to this process
            await using var sink = WebhookSink.Start(options.Int("hook-port", 0));
            var warmup = TimeSpan.FromSeconds(double.Parse(options.Get("warmup", "0"), CultureInfo.InvariantCulture));
            sink.MeasureFrom(DateTimeOffset.UtcNow + warmup);
            var changes = await Changes.RunAsync(target, probe, options.Get("label", target.Kind), options.Int("rooms", 50), options.Int("participants", 2),
                double.Parse(options.Get("rate", "5"), CultureInfo.InvariantCulture), seconds, warmup, cancel.Token);
            await Task.Delay(TimeSpan.FromSeconds(2), cancel.Token); // the last webhooks in flight
            result = changes with { Scenario = "webhooks", LagP50Ms = sink.Lags.PercentileMs(50), LagP99Ms = sink.Lags.PercentileMs(99), LagCount = sink.Lags.Count };
            break;
        }

    case "ringing":
        {
            // dials; the server delivers invitation.ringing to this process, which times each from its event
            await using var sink = WebhookSink.Start(options.Int("hook-port", 0));
            var warmup = TimeSpan.FromSeconds(double.Parse(options.Get("warmup", "0"), CultureInfo.InvariantCulture));
            sink.MeasureFrom(DateTimeOffset.UtcNow + warmup);
            var dials = await Ringing.RunAsync(new Uri(options.Get("url")), probe, double.Parse(options.Get("rate", "20"), CultureInfo.InvariantCulture), seconds, warmup, cancel.Token);
            await Task.Delay(TimeSpan.FromSeconds(2), cancel.Token); // the last webhooks in flight
            result = dials with { LagP50Ms = sink.Lags.PercentileMs(50), LagP99Ms = sink.Lags.PercentileMs(99), LagCount = sink.Lags.Count };
            break;
        }

    case "crash":
        result = await Crash.RunAsync(target, probe, options.Get("admin-key"), options.Int("rooms", 40), seconds, cancel.Token);
        break;
    case "restart":
        var (restarted, pid) = await Restart.RunAsync(target, probe, options.Get("admin-key"), options.Int("rooms", 1000), options.Int("count", 500), options.Get("server-cmd"), cancel.Token);
        await File.WriteAllTextAsync(options.Get("pid-file", "server.pid"), pid.ToString(CultureInfo.InvariantCulture), cancel.Token);
        result = restarted with { Target = options.Get("label", target.Kind) };
        break;
    case "connections":
        result = await Connections.ConnectionsAsync(target, probe, options.Int("count", 1000), cancel.Token);
        break;
    case "idle-rooms":
        result = await Connections.IdleRoomsAsync(target, probe, options.Int("count", 1000),
            TimeSpan.FromSeconds(options.Int("idle-seconds", 0)), cancel.Token);
        break;
    default:
        Console.Error.WriteLine("usage: LoadGen fanout|joins|changes|webhooks|ringing|crash|restart|connections|idle-rooms|report [--option value ...] (see Program.cs)");
        return 2;
}

if (scenario is "fanout" or "joins" or "crash" or "changes" or "webhooks")
{
    // what this run leaves behind (disconnects, grace timers, history) is not measured as part of the next one
    await probe.SettleAsync(TimeSpan.FromSeconds(40), cancel.Token);
}

var line = JsonSerializer.Serialize(result, ReportJson.Default.BenchResult);
Console.WriteLine(line);
if (options.Has("out"))
{
    await File.AppendAllTextAsync(options.Get("out"), line + Environment.NewLine, cancel.Token);
}

return result.Errors > 0 && scenario == "fanout" && result.Count == 0 ? 1 : 0;

/// <summary>--name value pairs.</summary>
internal sealed class Options(Dictionary<string, string> values)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        return new Options(values);
    }

    public bool Has(string name) => values.ContainsKey(name);

    public string Get(string name, string? fallback = null) =>
        values.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required");

    public int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
}
