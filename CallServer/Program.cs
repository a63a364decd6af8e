using CallServer;
using CallServer.Api;
using CallServer.Auth;
using CallServer.Backup;
using CallServer.Fanout;
using CallServer.History;
using CallServer.Hubs;
using CallServer.Limits;
using CallServer.Media;
using CallServer.Rooms;
using CallServer.Shutdown;
using CallServer.Supervision;
using CallServer.Telemetry;
using CallServer.Webhooks;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = ShippedSettings.WebRoot() });
builder.Configuration.AddShippedSettings();
// a start that fails on a bad setting says so in one line below, not with the host's stack trace
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

builder.AddTelemetry(); // OpenTelemetry: the CallServer meter and activity source, Prometheus /metrics, OTLP when configured
builder.AddSupervision(); // ServiceSupervisor: restarts the long-running services below (relay, history writer, heartbeat, wake-ups)
builder.AddBackup();   // BackupServer: Redis, or the embedded store, holds every room's state
builder.AddRooms();    // RoomSupervisor and one RoomWorker per live room
builder.AddMedia();    // the media server the rooms talk to asynchronously (mesh relay, Janus, Kurento)
builder.AddAuth();     // participant tokens, admin key
builder.AddLimits();   // rate limits per address and per hub connection, connection caps (before the hub's own filters)
builder.AddHistory();  // Call History: the durable event queue -> PostgreSQL (or SQLite)
builder.AddWebhooks(); // signed webhooks of room events, in order per room, at least once (one sender at a time, by a lease)
builder.AddFanout();   // PubSub: Redis status channel -> SignalR groups on every instance
builder.AddShutdown(); // graceful drain on SIGTERM: readiness false, clients told to reconnect elsewhere, commands finished
builder.AddApi();      // REST: join, leave, status, admin
builder.AddApiDocs();  // the REST contract as OpenAPI, and its reference page

try
{
    var app = builder.Build();

    app.UseRetryAfter();      // every 503 and 429 says when to try again
    app.UseExceptionHandler();
    app.UseLimits();          // the forwarded client address (behind a known proxy), then the rate limits
    // the browser client at /: files are only looked for on GET and HEAD, never for the hubs (every hub connect is a GET)
    app.UseWhen(StaticFiles.MayServe, files => files.UseDefaultFiles().UseStaticFiles());
    app.UseStatusCodePages();
    app.UseAuthentication();
    app.UseHubJoins();        // a connect to the room hub that joins (§5.1): checked as a REST join is, before the upgrade
    app.UseAuthorization();

    app.MapApi();
    app.MapApiDocs();
    app.MapTelemetry();
    app.MapHub<RoomHub>(HubPaths.Room);
    app.MapHub<UserHub>(HubPaths.User);

    app.Run();
}
catch (Exception ex) when (StartupFailure.IsOwnProcess && StartupFailure.Describe(ex) is { } problems)
{
    // a bad setting: one line each, naming it and its rule (the process exits with 1)
    foreach (var problem in problems)
    {
        Console.Error.WriteLine($"CallServer cannot start. {problem}");
    }

    return 1;
}

return 0;

/// <summary>The server's entry point (public for the test host).</summary>
public partial class Program;
