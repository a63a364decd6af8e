using System.Globalization;
using System.Text.RegularExpressions;
using CallServer.Api;
using CallServer.Domain.Rooms;
using CallServer.Tests.History;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.Fanout;

/// <summary>
/// Group commit against the real server and Redis (docs/API.md §1): eight participants change their media at once; the worker
/// backs several changes up per write, and still every change has its own version, its own answer, its own status (each one
/// published, in order, none skipped) and its own history event.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed partial class GroupCommitTests(RedisServer redis)
{
    [Fact]
    public async Task ConcurrentChangesToOneRoomAreEachAnsweredPublishedInOrderAndStored()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: CallServerApplication.NoRateLimits.ToDictionary(kv => kv.Key, kv => (string?)kv.Value)).Start();
        var room = "group-" + Guid.NewGuid().ToString("N")[..8];
        var clients = new List<HubClient>();
        JoinResponse? first = null;
        for (var i = 0; i < 8; i++)
        {
            var joined = await app.JoinAsync(room, $"P{i}");
            first ??= joined;
            clients.Add(await app.ConnectAsync(joined));
        }

        var observer = clients[0];
        var from = observer.Statuses[^1].Version;
        var answers = await Task.WhenAll(clients.Select(async c =>
        {
            var versions = new List<long>();
            for (var n = 0; n < 30; n++)
            {
                versions.Add((await c.Connection.InvokeAsync<RoomStatus>("SetMedia", n % 2 != 0, true)).Version);
            }

            return versions;
        }));

        // each change its own version
        var acknowledged = answers.SelectMany(v => v).ToList();
        Assert.Equal(240, acknowledged.Distinct().Count());
        Assert.All(answers, versions => Assert.Equal(versions.Order(), versions));
        // every status reaches a connection, in version order and none skipped
        var last = acknowledged.Max();
        await observer.WaitForStatusAsync(s => s.Version == last, "the last change's status");
        var seen = observer.Statuses.Select(s => s.Version).Where(v => v > from).ToList();
        Assert.Equal(Enumerable.Range((int)from + 1, (int)(last - from)).Select(v => (long)v), seen);
        // its history: one event per change, numbered without a gap
        foreach (var c in clients)
        {
            await c.Connection.InvokeAsync("Leave");
        }

        var call = await CallHistoryTests.EndedCallAsync(app, first!.Room.CallId!);
        Assert.Equal(240, call.Events.Count(e => e.Type == "media_changed"));
        Assert.Equal(Enumerable.Range(1, call.Events.Count).Select(i => (long)i), call.Events.Select(e => e.Seq));
        // and the writes did carry several changes each
        var metrics = await app.Admin().GetStringAsync("/metrics");
        var groups = GroupCount().Match(metrics);
        Assert.True(groups.Success && long.Parse(groups.Groups[1].Value, CultureInfo.InvariantCulture) > 0, "no write carried two changes or more");

        foreach (var c in clients)
        {
            await c.DisposeAsync();
        }
    }

    [GeneratedRegex(@"^callserver_backup_group_size\w*_count\S* (\d+)", RegexOptions.Multiline)]
    private static partial Regex GroupCount();
}
