using System.Net.Http.Headers;
using System.Net.Http.Json;
using CallServer.Api;
using CallServer.Domain.Rooms;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CallServer.Tests.Infrastructure;

/// <summary>
/// The server on a real Kestrel port, against a real Redis (or the embedded store when <paramref name="redis"/> is null),
/// with helpers to join, connect hub clients and call admin endpoints.
/// </summary>
public sealed class CallServerApplication(
    string? redis,
    string? keyPrefix = null,
    string? dataDir = null,
    FakeTimeProvider? time = null,
    IReadOnlyDictionary<string, string?>? settings = null,
    CapturedLogs? logs = null) : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789";
    public const string SigningKey = "test-signing-key-0123456789-abcdefghijklmnop";

    /// <summary>The host environment (Production, as deployed, unless a test needs another).</summary>
    public string Environment { get; set; } = "Production";

    /// <summary>Settings that turn the rate limits off.</summary>
    public static IReadOnlyDictionary<string, string> NoRateLimits { get; } = new Dictionary<string, string>
    {
        ["Limits:JoinsPerMinute"] = "0",
        ["Limits:LeavesPerMinute"] = "0",
        ["Limits:ReadsPerMinute"] = "0",
        ["Limits:AdminPerMinute"] = "0",
        ["Limits:HubCallsPerSecond"] = "0",
        ["Limits:HubConnectsPerMinute"] = "0",
        ["Limits:HubConnectsPerMinutePerAddress"] = "0",
    };

    public string KeyPrefix { get; } = keyPrefix ?? $"t{Guid.NewGuid():N}:";

    public string DataDir { get; } = dataDir ?? Directory.CreateTempSubdirectory("callserver-data-").FullName;

    /// <summary>The real address Kestrel listens on.</summary>
    public Uri BaseAddress => new(Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Starts the host now (a real port, so that hub clients use WebSockets).</summary>
    public CallServerApplication Start()
    {
        UseKestrel(0);
        StartServer();
        ClientOptions.BaseAddress = BaseAddress;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting("ConnectionStrings:Redis", redis ?? "");
        builder.UseSetting("Redis:KeyPrefix", KeyPrefix);
        builder.UseSetting("Storage:DataDir", DataDir);
        builder.UseSetting("Auth:SigningKey", SigningKey);
        builder.UseSetting("Auth:AdminKey", AdminKey);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // the tests' load comes from one address: rate limits only where a test sets them (LimitsTests)
        foreach (var (key, value) in NoRateLimits)
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (logs is not null)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(logs));
        }

        if (time is not null)
        {
            builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(time)));
        }
    }

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public HttpClient Admin()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return client;
    }

    public HttpClient WithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    internal async Task<JoinResponse> JoinAsync(string roomId, string displayName, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/rooms/{roomId}/join")
        {
            Content = JsonContent.Create(new { displayName }),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await CreateClient().SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JoinResponse>())!;
    }

    internal async Task<RoomStatus> StatusAsync(string roomId)
    {
        using var response = await Admin().GetAsync($"/rooms/{roomId}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RoomStatus>())!;
    }

    /// <summary>A participant's hub connection, recording every event it receives; by default once the room has it as connected.</summary>
    internal async Task<HubClient> ConnectAsync(JoinResponse joined, bool waitUntilConnected = true)
    {
        var client = new HubClient(RoomHubConnection.Build(BaseAddress, joined.Token), joined.ParticipantId);
        await client.StartAsync();
        if (waitUntilConnected)
        {
            // the handshake completes before the server's OnConnectedAsync: wait for the status that announces this connection
            await client.WaitForStatusAsync(
                s => s.Participants.Any(p => p.ParticipantId == joined.ParticipantId && p.Presence == "connected"), $"{joined.ParticipantId} connected");
        }

        return client;
    }

    /// <summary>Disposes this application, then the server it ran against, even when the host's stop throws.</summary>
    internal async Task DisposeBeforeAsync(Func<Task> stopServer)
    {
        try
        {
            Dispose();
        }
        finally
        {
            await stopServer();
        }
    }

    /// <summary>Ann and Bob in a call, both connected; Ann's connection then drops, and Bob has seen her <c>reconnecting</c>.</summary>
    internal async Task<DroppedCall> CallWithOneDroppedAsync(string roomId)
    {
        var ann = await JoinAsync(roomId, "Ann");
        var bob = await JoinAsync(roomId, "Bob");
        var bobHub = await ConnectAsync(bob);
        var annHub = await ConnectAsync(ann);
        await annHub.DisposeAsync();
        var dropped = await bobHub.WaitForStatusAsync(
            s => s.Participants.Any(p => p.ParticipantId == ann.ParticipantId && p.Presence == "reconnecting"), "Ann reconnecting");
        return new DroppedCall(ann, bob, bobHub, dropped);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && dataDir is null)
        {
            try
            {
                Directory.Delete(DataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
