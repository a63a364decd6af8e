using System.Diagnostics;
using CallServer.Tests.Configuration;
using CallServer.Tests.GeneratedClient;
using CallServer.Tests.GeneratedClient.Models;
using CallServer.Tests.History;
using CallServer.Tests.Infrastructure;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace CallServer.Tests.Api;

/// <summary>
/// docs/openapi.json is codegen-ready: the C# client Kiota generates from it (checked in under GeneratedClient/, and
/// regenerated here to prove it current) compiles, and calls every endpoint of the real server, errors included.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class GeneratedClientTests(RedisServer redis) : IDisposable
{
    private readonly CallServerApplication _app = new CallServerApplication(redis.ConnectionString).Start();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task TheCheckedInClientIsWhatKiotaGeneratesFromDocsOpenApiJson()
    {
        var root = ConfigurationReferenceTests.RepositoryRoot();
        var output = Directory.CreateTempSubdirectory("kiota-").FullName;
        var kiota = Process.Start(new ProcessStartInfo("dotnet",
            ["tool", "run", "kiota", "generate", "-l", "CSharp", "-d", Path.Combine(root, "docs", "openapi.json"), "-o", output,
             "-n", "CallServer.Tests.GeneratedClient", "-c", "CallServerClient", "--exclude-backward-compatible", "--log-level", "Warning"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var log = await kiota.StandardOutput.ReadToEndAsync() + await kiota.StandardError.ReadToEndAsync();
        await kiota.WaitForExitAsync();
        Assert.True(kiota.ExitCode == 0, "kiota (dotnet tool restore installs it: .config/dotnet-tools.json) failed:\n" + log);

        var checkedIn = Path.Combine(root, "CallServer.Tests", "GeneratedClient");
        var generated = Files(output);
        Assert.Equal(Files(checkedIn).Keys.Order(), generated.Keys.Order());
        foreach (var (file, text) in generated)
        {
            Assert.True(text == File.ReadAllText(Path.Combine(checkedIn, file)),
                $"GeneratedClient/{file} is stale: regenerate it (the command is in this test) from the current docs/openapi.json");
        }
    }

    [Fact]
    public async Task TheGeneratedClientCallsEveryEndpointAndReadsTheErrorCodes()
    {
        var room = "gen-" + Guid.NewGuid().ToString("N")[..8];
        var anyone = Client(_app.CreateClient());
        var admin = Client(_app.Admin());

        var ann = (await anyone.Rooms[room].Join.PostAsync(new JoinRequest { DisplayName = "Ann", Audio = false }))!;
        var bob = (await anyone.Rooms[room].Join.PostAsync(new JoinRequest { DisplayName = "Bob" }))!;
        var annClient = Client(_app.WithToken(ann.Token!));
        Assert.Equal((false, 2L), (ann.Room!.Participants![0].Audio, (await annClient.Rooms[room].GetAsync())!.Version));
        var renewed = (await annClient.Rooms[room].Token.PostAsync())!;
        Assert.True(renewed.TokenExpiresAt > DateTimeOffset.UtcNow);

        Assert.Contains((await admin.Rooms.GetAsync())!, r => r.RoomId == room);
        var muted = (await admin.Rooms[room].Participants[bob.ParticipantId!].Mute.PostAsync(new MuteRequest { MuteVideo = true }))!;
        Assert.False(muted.Participants!.Single(p => p.ParticipantId == bob.ParticipantId).Video);
        Assert.Equal("topic", (await admin.Rooms[room].PatchAsync(new RoomMetadataRequest { Metadata = "topic" }))!.Metadata);
        Assert.Single((await admin.Rooms[room].Participants[bob.ParticipantId!].DeleteAsync())!.Participants!);
        Assert.Equal("ended", (await annClient.Rooms[room].Leave.PostAsync())!.State);

        var callId = ann.Room.CallId!;
        await CallHistoryTests.EndedCallAsync(_app, callId);
        var call = (await admin.Calls[callId].GetAsync())!;
        Assert.Equal("participant.joined", call.Events![1].Event);
        Assert.Contains((await admin.Rooms[room].Calls.GetAsync(q => q.QueryParameters.Limit = 5))!, c => c.CallId == callId);
        Assert.NotNull(await admin.History.DeadLetters.GetAsync());
        Assert.NotNull(await admin.Webhooks.Deliveries.GetAsync());
        Assert.NotNull(await admin.Webhooks.Failed.GetAsync());

        // a user's recent calls: its own with its user token, anyone's with the admin key
        var userToken = (await anyone.Users.Token.PostAsync(new UserTokenRequest { Identity = "gen-user" }))!.Token!;
        var user = Client(_app.WithToken(userToken));
        Assert.Empty((await user.Users.Me.Calls.GetAsync(q => q.QueryParameters.Missed = true))!);
        Assert.Equal(0L, (await user.Users.Me.Calls.MissedCount.GetAsync())!.Count);
        Assert.Empty((await admin.Users["gen-user"].Calls.GetAsync(q => q.QueryParameters.Limit = 5))!);
        var badPage = await Assert.ThrowsAsync<ProblemDetails>(() => user.Users.Me.Calls.GetAsync(q => q.QueryParameters.Before = "nope"));
        Assert.Equal(ProblemDetails_code.Invalid_request, badPage.Code);

        // errors arrive as the generated ProblemDetails, with their codes
        var unknown = await Assert.ThrowsAsync<ProblemDetails>(() => admin.Webhooks.Failed["evt_nothing"].Retry.PostAsync());
        var gone = await Assert.ThrowsAsync<ProblemDetails>(() => annClient.Rooms[room].Leave.PostAsync());
        var ended = await Assert.ThrowsAsync<ProblemDetails>(() => admin.Rooms[room].DeleteAsync());
        Assert.Equal((ProblemDetails_code.Not_found, false), (unknown.Code, unknown.Retry));
        Assert.Equal((ProblemDetails_code.Not_in_room, 403), (gone.Code, gone.Status));
        Assert.Equal(ProblemDetails_code.Room_not_live, ended.Code);
    }

    private static CallServerClient Client(HttpClient http) =>
        new(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = http.BaseAddress!.ToString().TrimEnd('/') });

    private static Dictionary<string, string> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), File.ReadAllText);
}
