using System.Net.Http.Json;
using System.Text.Json;
using CallServer.Backup;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms;
using CallServer.Domain.Supervision;
using CallServer.Tests.History;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;

namespace CallServer.Tests.Supervision;

/// <summary>Every long-running service, killed on purpose (OTP's <c>exit(pid, :kill)</c>), is restarted and does its work again.</summary>
[Collection(RedisCollection.Name)]
public sealed class SupervisedServicesTests(RedisServer redis) : IDisposable
{
    private readonly CallServerApplication _app = new CallServerApplication(redis.ConnectionString).Start();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task AKilledStatusRelayIsRestartedAndStatusesReachClientsAgain()
    {
        var room = "relay-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        var bob = await _app.JoinAsync(room, "Bob");
        await using var annHub = await _app.ConnectAsync(ann);
        await using var bobHub = await _app.ConnectAsync(bob);

        await KillAndAwaitRestartAsync("status-relay");

        var changed = await annHub.Connection.InvokeAsync<RoomStatus>("SetMedia", false, true);
        await bobHub.WaitForStatusAsync(s => s.Version == changed.Version && !s.Participants[0].Audio, "Ann's change at Bob after the relay's restart");
    }

    [Fact]
    public async Task AKilledHistoryWriterIsRestartedAndStoresTheNextCall()
    {
        await KillAndAwaitRestartAsync("history-writer");

        var room = "writer-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        await using (var annHub = await _app.ConnectAsync(ann))
        {
            await annHub.Connection.InvokeAsync("Leave");
        }

        var call = await CallHistoryTests.EndedCallAsync(_app, ann.Room.CallId!);
        Assert.Equal("empty", call.EndReason);
    }

    [Fact]
    public async Task AKilledHeartbeatIsRestartedAndRenewsTheInstanceKey()
    {
        var key = _app.Service<RedisKeys>().Instance(_app.Service<InstanceIdentity>().Id);
        var db = _app.Service<IConnectionMultiplexer>().GetDatabase();
        await Eventually.TrueAsync(() => db.KeyExistsAsync(key), "the instance key");

        await KillAndAwaitRestartAsync("instance-heartbeat");
        await db.KeyDeleteAsync(key);

        await Eventually.TrueAsync(() => db.KeyExistsAsync(key), "the instance key renewed by the restarted heartbeat");
    }

    [Fact]
    public async Task AKilledWakeUpLoopIsRestartedAndKeepsItsWakeUps()
    {
        var wakeUps = _app.Service<RoomWakeUps>();
        var room = "wake-" + Guid.NewGuid().ToString("N")[..8];
        await _app.JoinAsync(room, "Ann");
        // a wake-up waiting when the loop dies is still handed out by the restarted loop: the entries outlive the loop
        wakeUps.At(room, DateTimeOffset.UtcNow.AddSeconds(1));

        await KillAndAwaitRestartAsync("room-wake-ups");

        await Eventually.TrueAsync(() => Task.FromResult(wakeUps.Count == 0), "the wake-up handed out after the restart");
    }

    [Fact]
    public async Task OneShotServicesFinishAndReportHealthy()
    {
        var supervisor = _app.Service<ServiceSupervisor>();
        await Eventually.TrueAsync(() => Task.FromResult(supervisor.StatusOf("room-restore") is { Running: false, LastError: null }), "the restore done");

        Assert.False(supervisor.Kill("room-restore"));
        using var http = _app.CreateClient();
        var health = await http.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("service:room-restore").GetProperty("status").GetString());
    }

    private async Task KillAndAwaitRestartAsync(string name)
    {
        var supervisor = _app.Service<ServiceSupervisor>();
        await Eventually.TrueAsync(() => Task.FromResult(supervisor.StatusOf(name) is { Running: true }), $"{name} running");
        var before = supervisor.StatusOf(name)!.Restarts;

        Assert.True(supervisor.Kill(name), $"{name} was running");

        await Eventually.TrueAsync(() => Task.FromResult(supervisor.StatusOf(name) is { Running: true } s && s.Restarts == before + 1), $"{name} restarted");
        using var http = _app.CreateClient();
        var health = await http.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty($"service:{name}").GetProperty("status").GetString());
    }
}
