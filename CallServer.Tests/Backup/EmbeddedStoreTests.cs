using System.Net.Http.Headers;
using System.Net.Http.Json;
using CallServer.Api;
using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Backup;

/// <summary>The embedded store (Garnet) lives and dies with the server process: these run the server as a process and kill it.</summary>
public sealed class EmbeddedStoreTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("callserver-embedded-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private Dictionary<string, string> Settings => new()
    {
        ["Storage:DataDir"] = _dataDir,
        ["Auth:AdminKey"] = CallServerApplication.AdminKey,
        ["Logging:LogLevel:Default"] = "Warning",
    };

    [Fact]
    public async Task TheEmbeddedStoreRefusesAClientWithoutItsPassword()
    {
        var port = FreePort.Next();
        var settings = Settings;
        settings["Storage:EmbeddedRedisPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var server = await ServerProcess.StartAsync(settings);
        using var client = new HttpClient { BaseAddress = server.Address };
        (await client.PostAsJsonAsync("/rooms/locked/join", new { displayName = "Ann" })).EnsureSuccessStatusCode();

        // another local process, speaking RESP to the store's port: neither a read nor a guessed password gets anything
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        var reader = new StreamReader(stream);
        async Task<string> SendAsync(string command)
        {
            // as a RESP array, the form every Redis-compatible server reads
            var parts = command.Split(' ');
            var resp = $"*{parts.Length}\r\n" + string.Concat(parts.Select(p => $"${p.Length}\r\n{p}\r\n"));
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(resp));
            return (await reader.ReadLineAsync().WaitAsync(Eventually.DefaultTimeout))!;
        }

        var read = await SendAsync("KEYS *");
        var guess = await SendAsync("AUTH not-the-password");
        Assert.StartsWith("-NOAUTH", read, StringComparison.Ordinal);
        Assert.StartsWith("-", guess, StringComparison.Ordinal);
        Assert.StartsWith("-NOAUTH", await SendAsync("GET anything"), StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task TheDataDirIsTheServerUsersAloneFromTheMomentItsFilesAreCreated()
    {
        // an older install left the data dir readable by everyone: the server narrows it
        File.SetUnixFileMode(_dataDir, (UnixFileMode)0b111_101_101);
        using (var server = await ServerProcess.StartAsync(Settings))
        {
            using var client = new HttpClient { BaseAddress = server.Address };
            (await client.PostAsJsonAsync("/rooms/modes/join", new { displayName = "Ann" })).EnsureSuccessStatusCode();
            await Eventually.TrueAsync(() => Task.FromResult(File.Exists(Path.Combine(_dataDir, "history.db"))), "the embedded history");
        }

        const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(Folder, File.GetUnixFileMode(_dataDir));
        Assert.Equal(Folder, File.GetUnixFileMode(Path.Combine(_dataDir, "garnet")));
        Assert.Equal(Private, File.GetUnixFileMode(Path.Combine(_dataDir, "signing.key")));
        foreach (var db in Directory.GetFiles(_dataDir, "history.db*"))
        {
            Assert.Equal((db, Private), (db, File.GetUnixFileMode(db)));
        }
    }

    [Fact]
    public async Task ServerKilledWithSigkillComesBackWithItsRoomsVersionsAndTokens()
    {
        var settings = Settings;
        var room = "embedded-" + Guid.NewGuid().ToString("N")[..8];
        JoinResponse ann, bob;
        using (var first = await ServerProcess.StartAsync(settings))
        {
            using var http = new HttpClient { BaseAddress = first.Address };
            ann = (await (await http.PostAsJsonAsync($"/rooms/{room}/join", new { displayName = "Ann" })).Content.ReadFromJsonAsync<JoinResponse>())!;
            bob = (await (await http.PostAsJsonAsync($"/rooms/{room}/join", new { displayName = "Bob" })).Content.ReadFromJsonAsync<JoinResponse>())!;
            await first.KillAsync();
        }

        using var second = await ServerProcess.StartAsync(settings);
        using var client = new HttpClient { BaseAddress = second.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ann.Token);
        var restored = await client.GetFromJsonAsync<RoomStatus>($"/rooms/{room}");

        Assert.Equal(bob.Room.Version, restored!.Version);
        Assert.Equal(bob.Room.CallId, restored.CallId);
        Assert.Equal(new[] { ann.ParticipantId, bob.ParticipantId }, restored.Participants.Select(p => p.ParticipantId));
    }

    [Fact]
    public async Task ACallInterruptedByKillMinus9HasEveryEventOnceInOrderInTheEmbeddedHistory()
    {
        var room = "killcall-" + Guid.NewGuid().ToString("N")[..8];
        var joined = new List<JoinResponse>();
        using (var first = await ServerProcess.StartAsync(Settings))
        {
            using var http = new HttpClient { BaseAddress = first.Address };
            foreach (var name in new[] { "Ann", "Bob", "Cid" })
            {
                joined.Add((await (await http.PostAsJsonAsync($"/rooms/{room}/join", new { displayName = name })).Content.ReadFromJsonAsync<JoinResponse>())!);
            }

            await first.KillAsync();
        }

        using var second = await ServerProcess.StartAsync(Settings);
        foreach (var participant in joined)
        {
            using var client = new HttpClient { BaseAddress = second.Address };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", participant.Token);
            (await client.PostAsync($"/rooms/{room}/leave", null)).EnsureSuccessStatusCode();
        }

        using var admin = new HttpClient { BaseAddress = second.Address };
        admin.DefaultRequestHeaders.Add("X-Api-Key", CallServerApplication.AdminKey);
        var call = await Eventually.ValueAsync(
            async () => await admin.GetFromJsonAsync<CallServer.History.CallDetails>($"/calls/{joined[0].Room.CallId}"),
            // the killed process held the history writer lease: the new one takes over when it expires (History:LeaseSeconds)
            c => c?.EndedAt is not null, "the call ended in the history", TimeSpan.FromSeconds(45));

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), call!.Events.Select(e => e.Seq));
        Assert.Equal(["call_started", "participant_joined", "participant_joined", "participant_joined", "participant_left", "participant_left", "participant_left", "call_ended"],
            call.Events.Select(e => e.Type));
        Assert.Equal(joined.Select(j => j.ParticipantId), call.Participants.Select(p => p.ParticipantId));
        Assert.All(call.Participants, p => Assert.Equal("left", p.LeaveReason));
    }
}
