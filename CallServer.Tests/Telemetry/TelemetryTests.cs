using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.Telemetry;

/// <summary>Metrics at /metrics (Prometheus), and one trace per command from the request through the worker to the backup write.</summary>
[Collection(RedisCollection.Name)]
public sealed class TelemetryTests(RedisServer redis)
{
    [Fact]
    public async Task MetricsAreScrapedBehindTheAdminKey()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        var ann = await app.JoinAsync("metrics-" + Guid.NewGuid().ToString("N")[..8], "Ann");
        await using (var hub = await app.ConnectAsync(ann))
        {
            await hub.Connection.InvokeAsync("SetMedia", false, true);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/metrics")).StatusCode);
        var scraped = await Eventually.ValueAsync(
            () => app.Admin().GetStringAsync("/metrics"), m => m.Contains("callserver_room_command_duration_seconds_bucket", StringComparison.Ordinal), "the command histogram");
        foreach (var metric in new[]
        {
            "callserver_rooms_live", "callserver_participants", "callserver_room_mailbox_depth", "callserver_backup_write_duration_seconds_bucket",
            "callserver_fanout_lag_seconds_bucket", "callserver_media_calls", "callserver_hub_connections", "command=\"JoinRoom\"", "outcome=\"ok\"",
        })
        {
            Assert.Contains(metric, scraped);
        }
    }

    [Fact]
    public async Task GuessingTheAdminKeyAtMetricsMeetsTheAdminRateLimit()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Limits:AdminPerMinute"] = "3",
        }).Start();
        using var guesser = app.CreateClient();
        guesser.DefaultRequestHeaders.Add("X-Api-Key", "a-guess-at-the-admin-key");

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await guesser.GetAsync("/metrics");
            answers.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("rate_limited", await response.ErrorCodeAsync());
                Assert.True(response.Headers.Contains("Retry-After"));
            }
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 3), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], answers);
    }

    [Fact]
    public async Task AJoinIsOneTraceFromTheRequestThroughTheWorkerToTheBackupWrite()
    {
        var trace = ActivityTraceId.CreateRandom();
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "CallServer" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Parent.TraceId == trace ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.PropagationData,
            ActivityStopped = a =>
            {
                if (a.TraceId == trace)
                {
                    spans.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/rooms/trace-{Guid.NewGuid():N}/join") { Content = JsonContent.Create(new { displayName = "Ann" }) };
        // the client's side of the trace: its traceparent carries this trace id to the server
        using (new Activity("test client").SetParentId(trace, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
        {
            (await app.CreateClient().SendAsync(request)).EnsureSuccessStatusCode();
        }

        var save = await Eventually.ValueAsync(() => Task.FromResult(spans.FirstOrDefault(s => s.OperationName == "backup.save")), s => s is not null,
            "the backup write's span", TimeSpan.FromSeconds(5));
        var command = spans.Single(s => s.OperationName == "room JoinRoom");
        var http = spans.Single(s => s.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal(command.SpanId, save!.ParentSpanId);
        Assert.Equal(http.SpanId, command.ParentSpanId);
        Assert.Equal("ok", command.GetTagItem("callserver.outcome"));
    }
}
