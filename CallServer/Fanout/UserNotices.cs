using System.Text.Json;
using CallServer.Backup;
using CallServer.Hubs;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace CallServer.Fanout;

/// <summary>
/// Sends <c>invitation</c> to a user's devices on this instance each time one of its invitations is created or changes state
/// (docs/API.md §9): the writer of the change publishes the invitation on the user's channel (<see cref="RingingIndex"/>), and
/// only the instances holding a device of that user listen to it.
/// </summary>
internal sealed class UserNotices(RedisKeys keys, ChannelSubscriptions subscriptions, IHubContext<UserHub> users)
{
    /// <summary>Listens to the user's notices until the hold is released (once Redis has the subscription).</summary>
    public Task<ChannelSubscriptions.Hold> ListenAsync(string identity, CancellationToken cancellationToken) =>
        subscriptions.HoldAsync(keys.UserChannel(identity), "user", message => SendAsync(identity, message), cancellationToken);

    private Task SendAsync(string identity, RedisValue message)
    {
        var invitation = JsonSerializer.Deserialize((byte[])message!, HubJson.Default.InvitationView)
            ?? throw new JsonException("An invitation notice is null.");
        return users.Clients.Group(HubGroups.User(identity)).SendAsync(HubMethods.Invitation, invitation, CancellationToken.None);
    }
}
