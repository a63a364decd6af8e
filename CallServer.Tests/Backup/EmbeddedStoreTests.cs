using System.Net.Http.Headers;
using System.Net.Http.Json;
using CallServer.Api;
using CallServer.Rooms;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Backup;

/// <summary>The embedded store (Garnet) lives and dies with the server process: these run the server as a process and kill it.</summary>
public sealed class EmbeddedStoreTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("callserver-embedded-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task ServerKilledWithSigkillComesBackWithItsRoomsVersionsAndTokens()
    {
        var settings = new Dictionary<string, string>
        {
            ["Storage:DataDir"] = _dataDir,
            ["Auth:AdminKey"] = CallServerApplication.AdminKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
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
}
