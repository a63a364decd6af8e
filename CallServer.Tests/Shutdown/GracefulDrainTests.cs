using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using CallServer.Api;
using CallServer.Domain.Rooms;
using CallServer.Hubs;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.Shutdown;

/// <summary>A rolling deploy: SIGTERM one of two instances under load; its clients move to the other, and nothing acknowledged is lost.</summary>
[Collection(RedisCollection.Name)]
public sealed class GracefulDrainTests(RedisServer redis)
{
    private const int DrainSeconds = 5;

    [Fact]
    public async Task ASigtermedInstanceDrainsItsClientsToTheOtherAndLosesNothingAcknowledged()
    {
        var prefix = $"t{Guid.NewGuid():N}:";
        Dictionary<string, string> Settings() => new()
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Redis:KeyPrefix"] = prefix,
            ["Storage:DataDir"] = Directory.CreateTempSubdirectory("callserver-data-").FullName,
            ["Auth:SigningKey"] = CallServerApplication.SigningKey,
            ["Auth:AdminKey"] = CallServerApplication.AdminKey,
            ["Shutdown:DrainSeconds"] = DrainSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:CallServer.Shutdown"] = "Information",
        };
        using var leaving = await ServerProcess.StartAsync(Settings());
        using var staying = await ServerProcess.StartAsync(Settings());
        var room = "drain-" + Guid.NewGuid().ToString("N")[..8];
        using var http = new HttpClient { BaseAddress = leaving.Address };
        var joined = new List<JoinResponse>();
        foreach (var name in new[] { "Ann", "Bob" })
        {
            joined.Add((await (await http.PostAsJsonAsync($"/rooms/{room}/join", new { displayName = name })).Content.ReadFromJsonAsync<JoinResponse>())!);
        }

        // the "load balancer": a client whose connection closes connects again, to the instance still ready
        await using var ann = await MovingClient.StartAsync(joined[0], leaving.Address, staying.Address);
        await using var bob = await MovingClient.StartAsync(joined[1], leaving.Address, staying.Address);
        var loading = true;
        var changes = Task.WhenAll(ann.ChangeMediaAsync(() => Volatile.Read(ref loading)), bob.ChangeMediaAsync(() => Volatile.Read(ref loading)));
        await Eventually.TrueAsync(() => Task.FromResult(ann.Acknowledged > 10 && bob.Acknowledged > 10), "changes acknowledged before the SIGTERM");

        var watch = Stopwatch.StartNew();
        await leaving.TerminateAsync();
        var notReady = await Eventually.ValueAsync(async () =>
        {
            try
            {
                return (await http.GetAsync("/health/ready")).StatusCode;
            }
            catch (HttpRequestException)
            {
                return HttpStatusCode.OK;
            }
        }, s => s == HttpStatusCode.ServiceUnavailable, "readiness false while draining");
        // a join that still reaches the draining instance is refused with its code: try again (the balancer sends it elsewhere)
        using var late = await http.PostAsJsonAsync($"/rooms/{room}/join", new { displayName = "Late" });
        var lateCode = (late.StatusCode, await late.ErrorCodeAsync());
        var exitCode = await leaving.WaitForExitAsync(TimeSpan.FromSeconds(DrainSeconds + 10));
        var exitedAfter = watch.Elapsed;
        await Eventually.TrueAsync(() => Task.FromResult(ann.OnSecond && bob.OnSecond && ann.AcknowledgedOnSecond > 5 && bob.AcknowledgedOnSecond > 5),
            "both clients changing media on the other instance");
        // stopped between calls, never during one: the last acknowledged change is the last one made
        Volatile.Write(ref loading, false);
        await changes;

        using var admin = new HttpClient { BaseAddress = staying.Address };
        admin.DefaultRequestHeaders.Add("X-Api-Key", CallServerApplication.AdminKey);
        var status = (await admin.GetFromJsonAsync<RoomStatus>($"/rooms/{room}"))!;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "server_stopping"), lateCode);
        Assert.Equal(0, exitCode);
        Assert.True(exitedAfter < TimeSpan.FromSeconds(DrainSeconds + 2), $"exited after {exitedAfter}");
        Assert.True(ann.ToldToReconnect && bob.ToldToReconnect, "the clients heard signal reconnect from server; the server said:\n" + leaving.Output);
        Assert.True(ann.ToldDraining && bob.ToldDraining, "the clients heard closing draining; the server said:\n" + leaving.Output);
        Assert.True(status.Version >= Math.Max(ann.LastVersion, bob.LastVersion), "an acknowledged version is missing");
        foreach (var client in new[] { ann, bob })
        {
            var p = status.Participants.Single(p => p.ParticipantId == client.ParticipantId);
            Assert.Equal(("connected", client.LastAudio), (p.Presence, p.Audio));
        }
    }

    /// <summary>A participant's hub client that moves to the other instance when its connection is closed, changing its media all along.</summary>
    private sealed class MovingClient : IAsyncDisposable
    {
        private readonly JoinResponse _joined;
        private readonly Uri _second;
        private HubConnection _connection;
        private int _acknowledged;
        private int _acknowledgedOnSecond;

        private MovingClient(JoinResponse joined, HubConnection connection, Uri second)
        {
            _joined = joined;
            _connection = connection;
            _second = second;
        }

        public string ParticipantId => _joined.ParticipantId;

        public int Acknowledged => Volatile.Read(ref _acknowledged);

        public int AcknowledgedOnSecond => Volatile.Read(ref _acknowledgedOnSecond);

        public bool OnSecond { get; private set; }

        public bool ToldToReconnect { get; private set; }

        public bool ToldDraining { get; private set; }

        public long LastVersion { get; private set; }

        public bool LastAudio { get; private set; }

        public static async Task<MovingClient> StartAsync(JoinResponse joined, Uri first, Uri second)
        {
            var client = new MovingClient(joined, Connect(joined, first), second);
            client.Listen(client._connection);
            await client._connection.StartAsync();
            return client;
        }

        /// <summary>SetMedia, again and again; a call that fails because the connection closed is made again on the other instance.</summary>
        public async Task ChangeMediaAsync(Func<bool> keepGoing)
        {
            for (var n = 0; keepGoing(); n++)
            {
                var audio = n % 2 == 0;
                try
                {
                    var status = await _connection.InvokeAsync<RoomStatus>("SetMedia", audio, true);
                    (LastVersion, LastAudio) = (status.Version, audio);
                    Interlocked.Increment(ref _acknowledged);
                    if (OnSecond)
                    {
                        Interlocked.Increment(ref _acknowledgedOnSecond);
                    }
                }
                catch (Exception)
                {
                    // closed by the drain, or refused while draining: move, then go on (an unacknowledged change is not counted)
                    await MoveAsync();
                }
            }
        }

        public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

        private static HubConnection Connect(JoinResponse joined, Uri address) => RoomHubConnection.Build(address, joined.Token);

        private void Listen(HubConnection connection)
        {
            connection.On<SignalMessage>("signal", s => ToldToReconnect |= s is { From: "server", Type: "reconnect" });
            connection.On<ClosingMessage>("closing", c => ToldDraining |= c is { Reason: "draining", Reconnect: true });
        }

        private async Task MoveAsync()
        {
            if (OnSecond && _connection.State == HubConnectionState.Connected)
            {
                return;
            }

            await _connection.DisposeAsync();
            _connection = Connect(_joined, _second);
            Listen(_connection);
            await _connection.StartAsync();
            OnSecond = true;
        }
    }
}
