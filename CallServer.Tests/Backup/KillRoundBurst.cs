using System.Net.Http.Headers;
using System.Net.Http.Json;
using CallServer.Api;
using CallServer.Domain.Rooms;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.Backup;

/// <summary>
/// One room's share of a round: two joins, a connect and a media change, the connection dropped (its participant
/// reconnecting, then timed out), a leave. A call the kill cuts off is not acknowledged, and is not counted.
/// </summary>
internal sealed class KillRoundBurst(Uri address, string room, int round, KillRoundLedger ledger)
{
    public const int Acknowledgements = 4;

    public async Task RunAsync()
    {
        try
        {
            using var http = new HttpClient { BaseAddress = address };
            var ann = await JoinAsync(http, $"Ann {round}");
            var bob = await JoinAsync(http, $"Bob {round}");
            await using (var hub = RoomHubConnection.Build(address, ann.Token))
            {
                await hub.StartAsync();
                ledger.Acknowledged(room, await hub.InvokeAsync<RoomStatus>("SetMedia", round % 2 == 0, true));
            }

            using var leave = new HttpRequestMessage(HttpMethod.Post, $"/rooms/{room}/leave");
            leave.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bob.Token);
            using var left = await http.SendAsync(leave);
            left.EnsureSuccessStatusCode();
            ledger.Acknowledged(room, (await left.Content.ReadFromJsonAsync<RoomStatus>())!);
        }
        catch (Exception e)
        {
            // a call the kill cut off was not acknowledged; one that failed before the kill is a fault
            if (!ledger.Killing)
            {
                ledger.Failed(room, e);
            }
        }
    }

    private async Task<JoinResponse> JoinAsync(HttpClient http, string name)
    {
        using var response = await http.PostAsJsonAsync($"/rooms/{room}/join", new { displayName = name });
        response.EnsureSuccessStatusCode();
        var joined = (await response.Content.ReadFromJsonAsync<JoinResponse>())!;
        ledger.Acknowledged(room, joined.Room, joined.ParticipantId);
        return joined;
    }
}
