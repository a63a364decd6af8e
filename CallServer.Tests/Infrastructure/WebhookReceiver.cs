using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace CallServer.Tests.Infrastructure;

/// <summary>
/// An app's backend receiving webhooks: a real Kestrel server on loopback that verifies every request with the StandardWebhooks
/// verifier, records it, and answers what the test says (<see cref="Respond"/>: a status, after as long as the test likes).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _attempts = new();

    private WebhookReceiver(WebApplication app, string secret)
    {
        _app = app;
        Secret = secret;
    }

    public string Secret { get; }

    public Uri Url => new(new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/hooks");

    /// <summary>What to answer an attempt (default 200 at once).</summary>
    public Func<ReceivedWebhook, Task<int>> Respond { get; set; } = _ => Task.FromResult(200);

    /// <summary>Every attempt, in the order they arrived.</summary>
    public IReadOnlyList<ReceivedWebhook> Attempts => [.. _attempts];

    /// <summary>The attempts answered 2xx, in the order they arrived.</summary>
    public IReadOnlyList<ReceivedWebhook> Accepted => [.. _attempts.Where(a => a.Status is >= 200 and < 300)];

    /// <summary>A secret in the Standard Webhooks form.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static async Task<WebhookReceiver> StartAsync(string? secret = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, secret ?? NewSecret());
        app.MapPost("/hooks", receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The CallServer settings that deliver to these receivers (every event type when <paramref name="allTypes"/>).</summary>
    public static Dictionary<string, string?> Settings(bool allTypes, params WebhookReceiver[] receivers)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Webhooks:MinBackoffMilliseconds"] = "100",
            ["Webhooks:MaxBackoffSeconds"] = "1",
        };
        for (var i = 0; i < receivers.Length; i++)
        {
            settings[$"Webhooks:Endpoints:{i}:Url"] = receivers[i].Url.ToString();
            settings[$"Webhooks:Endpoints:{i}:Secret"] = receivers[i].Secret;
            if (allTypes)
            {
                var types = CallServer.Webhooks.WebhookEventTypes.All.Order(StringComparer.Ordinal).ToArray();
                for (var t = 0; t < types.Length; t++)
                {
                    settings[$"Webhooks:Endpoints:{i}:Events:{t}"] = types[t];
                }
            }
        }

        return settings;
    }

    /// <summary>Waits until an accepted webhook satisfies <paramref name="predicate"/>.</summary>
    public Task<ReceivedWebhook> WaitForAsync(Func<ReceivedWebhook, bool> predicate, string what, TimeSpan? timeout = null) =>
        Eventually.ValueAsync(() => Task.FromResult(Accepted.FirstOrDefault(predicate)), w => w is not null, what, timeout)!;

    /// <summary>The accepted webhooks of one call, once each (by <c>webhook-id</c>), in the order they first arrived.</summary>
    public List<ReceivedWebhook> Deduplicated(string callId) =>
        [.. Accepted.Where(w => w.CallId == callId).GroupBy(w => w.Id).Select(g => g.First())];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var headers = new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value));
        var verified = true;
        try
        {
            new StandardWebhook(Secret).Verify(body, headers);
        }
        catch (WebhookVerificationException)
        {
            verified = false;
        }

        var json = JsonNode.Parse(body)!.AsObject();
        var data = json["data"]!.AsObject();
        var received = new ReceivedWebhook(
            headers["webhook-id"].ToString(), (string)json["type"]!, (string)data["roomId"]!, (string)data["callId"]!, (long)data["seq"]!,
            verified, DateTimeOffset.UtcNow, body, headers, json);
        var status = verified ? await Respond(received) : 401;
        _attempts.Enqueue(received with { Status = status });
        context.Response.StatusCode = status;
    }
}

/// <summary>One attempt as the receiver saw it.</summary>
public sealed record ReceivedWebhook(
    string Id, string Type, string RoomId, string CallId, long Seq, bool Verified, DateTimeOffset ReceivedAt, string Body, IHeaderDictionary Headers, JsonObject Json)
{
    public int Status { get; init; }

    public JsonObject Data => Json["data"]!.AsObject();

    public string? Text(string field) => Data[field]?.GetValue<object>() is { } value ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
}
