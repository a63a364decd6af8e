using System.Collections.Concurrent;
using System.Net.Http.Json;
using CallServer.Api;
using CallServer.Domain.Rooms;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.Infrastructure;

/// <summary>One device of a user: its user token, and its connection to <c>/hubs/user</c> recording every invitation it hears.</summary>
internal sealed class UserDevice : IAsyncDisposable
{
    private readonly ConcurrentQueue<InvitationView> _invitations = new();

    private UserDevice(string token, HubConnection connection)
    {
        Token = token;
        Connection = connection;
        connection.On<InvitationView>("invitation", _invitations.Enqueue);
    }

    public string Token { get; }

    public HubConnection Connection { get; }

    public IReadOnlyList<InvitationView> Invitations => [.. _invitations];

    /// <summary>A user token for <paramref name="identity"/> from an open server.</summary>
    public static async Task<string> TokenAsync(HttpClient http, string identity, string? displayName = null)
    {
        using var response = await http.PostAsJsonAsync("/users/token", new { identity, displayName });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<UserTokenResponse>())!.Token;
    }

    /// <summary>A device connected to the user hub of the server at <paramref name="server"/>.</summary>
    public static async Task<UserDevice> ConnectAsync(Uri server, string token)
    {
        var connection = RoomHubConnection.Builder(server, token, "/hubs/user").Build();
        var device = new UserDevice(token, connection);
        await connection.StartAsync();
        return device;
    }

    public Task<InvitationView> WaitForAsync(Func<InvitationView, bool> predicate, string what) =>
        Eventually.ValueAsync(() => Task.FromResult(Invitations.LastOrDefault(predicate)!), i => i is not null, what);

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
