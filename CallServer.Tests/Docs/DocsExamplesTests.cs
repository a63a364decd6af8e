using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CallServer.Api;
using CallServer.Domain.Rooms;
using CallServer.History;
using CallServer.Tests.Configuration;
using CallServer.Tests.History;
using CallServer.Tests.Infrastructure;
using CallServer.Webhooks;

namespace CallServer.Tests.Docs;

/// <summary>
/// Every example of docs/API.md and docs/MOBILE.md runs: the JSON ones are what the server sends and reads, the C# ones are
/// built into a program (from the local package cache) and the Node ones run with their packages (scripts/test.sh installs
/// them), each against the real server: the receivers receive a whole call, the minted join tokens join.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed partial class DocsExamplesTests(RedisServer redis)
{
    private const string JoinSecret = "join-secret-of-the-docs-examples-0123456789";

    private static readonly string Root = ConfigurationReferenceTests.RepositoryRoot();

    [Fact]
    public async Task TheJsonExamplesAreWhatTheServerSendsAndReads()
    {
        // a settings fragment ("Webhooks": { … }) is read as the appsettings.json object it belongs in
        var json = Blocks("API.md", "json").Select(b => JsonNode.Parse(b.TrimStart().StartsWith('"') ? "{" + b + "}" : b)!).ToList();
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        var joined = await app.JoinAsync("docs-" + Guid.NewGuid().ToString("N")[..8], "Ann");
        var status = JsonSerializer.SerializeToNode(joined.Room, ApiJson.Default.RoomStatus)!;

        // the status: the same fields, nested the same
        Assert.Equal(Shape(status), Shape(json.Single(j => j["roomId"] is not null && j["participants"] is not null)));
        // an invitation (§9): the same fields as one the server sends, from a real dial
        var annToken = await UserDevice.TokenAsync(app.CreateClient(), "docs-ann");
        var dialed = await Calling.RingingTests.DialAsync(app, annToken, "docs-bob");
        var invitation = JsonSerializer.SerializeToNode(dialed.Room.Invitations![0], ApiJson.Default.InvitationView)!;
        Assert.Equal(Shape(invitation), Shape(json.Single(j => j["invitationId"] is not null && j["to"] is not null)));
        // a recent call (§10): the same fields as the server sends
        var recent = JsonSerializer.SerializeToNode(
            new RecentCallRecord("c", "r", "incoming", "answered", DateTimeOffset.UnixEpoch, null, DateTimeOffset.UnixEpoch, 0, [new("ann", "Ann")], null),
            ApiJson.Default.RecentCallRecord)!;
        Assert.Equal(Shape(recent), Shape(json.Single(j => j["direction"] is not null)));
        // a webhook: the same fields as one the server builds
        var left = new RoomEvent("c", "r1", 7, RoomEventTypes.ParticipantLeft, "p", DateTimeOffset.UnixEpoch, new ParticipantLeft("left").Data, "user-42", "Bob");
        var sent = JsonNode.Parse(WebhookMessage.From(left, left.Fact, "participant.left", 6).Body)!;
        Assert.Equal(Shape(sent), Shape(json.Single(j => j["type"] is not null)));
        // the settings: they bind and validate
        var settings = json.Single(j => j["Webhooks"] is not null)["Webhooks"]!["Endpoints"]![0]!;
        var endpoint = new WebhookEndpointOptions { Url = (string)settings["Url"]!, Secret = (string)settings["Secret"]! };
        Assert.Empty(endpoint.Problems());
    }

    [Fact]
    public async Task TheCSharpExamplesBuildAndWorkAgainstTheServer()
    {
        var receiver = Blocks("API.md", "csharp").Single(b => b.Contains("StandardWebhook", StringComparison.Ordinal));
        var mint = Blocks("MOBILE.md", "csharp").Single(b => b.Contains("MintJoinToken", StringComparison.Ordinal));
        var usings = (receiver + "\n" + mint).Split('\n').Where(l => l.StartsWith("using ", StringComparison.Ordinal)).Distinct();
        string Body(string block) => string.Join('\n', block.Split('\n').Where(l => !l.StartsWith("using ", StringComparison.Ordinal)));
        var program = string.Join('\n', usings) + """

            var joinSecret = args.Length > 1 ? args[1] : "";
            if (args.Length > 0 && args[0] == "mint")
            {
                Console.WriteLine(MintJoinToken(args[2], args[3], args[4], true));
                return;
            }

            """ + Body(receiver) + "\n" + Body(mint) + """

            sealed class CallEvents
            {
                private readonly Dictionary<string, long> _last = [];

                public Task HandleOnceAsync(string id, string type, JsonElement data)
                {
                    Console.WriteLine($"handled {type} {id}");
                    return Task.CompletedTask;
                }

                public long LastNumber(string callId) => _last.GetValueOrDefault(callId);

                public void Handled(string callId, long number) => _last[callId] = Math.Max(LastNumber(callId), number);
            }
            """;
        var project = Directory.CreateTempSubdirectory("docs-csharp-").FullName;
        await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), program);
        await File.WriteAllTextAsync(Path.Combine(project, "Example.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
              <ItemGroup>
                <PackageReference Include="StandardWebhooks" Version="{PackageVersion("StandardWebhooks")}" />
                <PackageReference Include="Microsoft.IdentityModel.JsonWebTokens" Version="{PackageVersion("Microsoft.IdentityModel.JsonWebTokens")}" />
              </ItemGroup>
            </Project>
            """);
        // offline: the packages come from the cache the suite's own restore filled
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var (built, log) = await RunAsync("dotnet", ["build", "-c", "Release", "-o", "out", "--source", packages, "-nologo", "-v", "quiet"], project);
        Assert.True(built == 0, "the C# examples do not build:\n" + log + "\n" + program);
        var dll = Path.Combine(project, "out", "Example.dll");

        await AssertExamplesWorkAsync(
            (identity, room) => RunAsync("dotnet", [dll, "mint", JoinSecret, identity, room, identity], project),
            (port, secret) => Start("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}", $"--CallServer:WebhookSecret={secret}"], project, []));
    }

    [Fact]
    public async Task TheNodeExamplesRunAgainstTheServer()
    {
        var folder = Path.Combine(Root, "CallServer.Tests", "DocsExamples", "node");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules")), "run `npm ci` in CallServer.Tests/DocsExamples/node (scripts/test.sh does)");
        var receiver = Blocks("API.md", "js").Single(b => b.Contains("standardwebhooks", StringComparison.Ordinal));
        var mint = Blocks("MOBILE.md", "js").Single(b => b.Contains("mintJoinToken", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(folder, "receiver.generated.mjs"), receiver + """

            async function handleOnce(id, type, data) { console.log(`handled ${type} ${id}`); }
            """);
        await File.WriteAllTextAsync(Path.Combine(folder, "mint.generated.mjs"), mint + """

            console.log(await mintJoinToken(process.argv[2], process.argv[3], process.argv[2], true));
            """);

        await AssertExamplesWorkAsync(
            (identity, room) => RunAsync("node", ["mint.generated.mjs", identity, room], folder, new() { ["JOIN_SECRET"] = JoinSecret }),
            (port, secret) => Start("node", ["receiver.generated.mjs"], folder, new() { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["CALLSERVER_WEBHOOK_SECRET"] = secret }));
    }

    /// <summary>A token the example minted joins a server in tokens mode as a host; the example receiver gets the whole call, checked.</summary>
    private async Task AssertExamplesWorkAsync(Func<string, string, Task<(int ExitCode, string Output)>> mint, Func<int, string, Process> startReceiver)
    {
        var port = FreePort.Next();
        var secret = WebhookReceiver.NewSecret();
        using var receiver = startReceiver(port, secret);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        receiver.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        receiver.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        receiver.BeginOutputReadLine();
        receiver.BeginErrorReadLine();
        try
        {
            using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
            {
                ["Auth:JoinSecret"] = JoinSecret,
                ["Webhooks:Endpoints:0:Url"] = $"http://127.0.0.1:{port}/callserver/webhooks",
                ["Webhooks:Endpoints:0:Secret"] = secret,
                ["Webhooks:MinBackoffMilliseconds"] = "100",
                ["Webhooks:MaxBackoffSeconds"] = "1",
            }).Start();
            var room = "docs-" + Guid.NewGuid().ToString("N")[..8];
            var (exit, minted) = await mint("host-1", room);
            Assert.True(exit == 0, "the mint example failed: " + minted);

            using var joined = await JoinTokenMinter.JoinAsync(app, room, minted.Trim(), null);
            Assert.True(joined.IsSuccessStatusCode, await joined.Content.ReadAsStringAsync());
            var host = (await joined.Content.ReadFromJsonAsync<JoinResponse>())!;
            Assert.Equal(("host-1", true), (host.Room.Participants.Single().Identity, host.Room.Participants.Single().Grants.Admin));
            (await app.WithToken(host.Token).PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();

            await Eventually.TrueAsync(() => Task.FromResult(output.Any(l => l.StartsWith("handled call.ended evt_" + host.Room.CallId, StringComparison.Ordinal))),
                "the example receiver handled the call's end; it said:\n" + string.Join('\n', output));
            var handled = output.Where(l => l.StartsWith("handled ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
            Assert.Equal(["call.started", "participant.joined", "participant.left", "call.ended"], handled);
            Assert.DoesNotContain(output, l => l.Contains("missing", StringComparison.Ordinal));
        }
        finally
        {
            receiver.Kill(entireProcessTree: true);
            await receiver.WaitForExitAsync();
        }
    }

    /// <summary>The code blocks of <paramref name="lang"/> in docs/<paramref name="file"/>.</summary>
    private static List<string> Blocks(string file, string lang) =>
        [.. CodeBlock().Matches(File.ReadAllText(Path.Combine(Root, "docs", file))).Where(m => m.Groups[1].Value == lang).Select(m => m.Groups[2].Value)];

    /// <summary>The names of an object's fields, nested, and of its arrays' first elements: what the example must show.</summary>
    private static List<string> Shape(JsonNode node, string path = "") => node switch
    {
        JsonObject o => [.. o.SelectMany(p => p.Value is null ? [$"{path}.{p.Key}"] : Shape(p.Value, $"{path}.{p.Key}").Prepend($"{path}.{p.Key}")).Order()],
        JsonArray { Count: > 0 } a when a[0] is { } first => Shape(first, path + "[]"),
        _ => [],
    };

    private static string PackageVersion(string id) =>
        Regex.Match(File.ReadAllText(Path.Combine(Root, "CallServer.Tests", "obj", "project.assets.json")), $"\"{Regex.Escape(id)}/([0-9][^\"]*)\"").Groups[1].Value;

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, string folder, Dictionary<string, string>? env = null)
    {
        using var process = Start(file, args, folder, env ?? []);
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    private static Process Start(string file, string[] args, string folder, Dictionary<string, string> env)
    {
        var start = new ProcessStartInfo(file, args) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    [GeneratedRegex(@"```(\w+)\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
