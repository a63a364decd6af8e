using CallServer.Auth;
using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace CallServer.Hubs;

/// <summary>
/// The user hub (docs/API.md §9): every device of a user holds one, with a user token. It hears <c>invitation</c> each time one
/// of the user's invitations is created or changes state (<see cref="Fanout.UserNotices"/>), and on connect every one
/// still ringing (a phone woken by a push connects and finds its call). It takes no calls: answering is REST.
/// </summary>
[Authorize(Policy = UserTokenAuthentication.Policy)]
internal sealed class UserHub(Backup.RingingIndex ringing, RoomSupervisor rooms, Fanout.ConnectionChannels channels, ILogger<UserHub> logger) : Hub
{
    public override async Task OnConnectedAsync()
    {
        var identity = Context.User!.UserIdentity()!;
        try
        {
            // this instance hears the user's notices before the device reads what rings: a change comes by one or the other
            await channels.ListenToUserAsync(Context.ConnectionId, identity, Context.ConnectionAborted);
            await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.User(identity), Context.ConnectionAborted);
            await SendRingingAsync(identity);
        }
        catch
        {
            // no OnDisconnectedAsync follows a failed connect
            channels.Stop(Context.ConnectionId);
            throw;
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        channels.Stop(Context.ConnectionId);
        return Task.CompletedTask;
    }

    /// <summary>Every invitation of the user still ringing, to this device.</summary>
    private async Task SendRingingAsync(string identity)
    {
        foreach (var invitationId in await ringing.OfAsync(identity, Context.ConnectionAborted))
        {
            if (InvitationIds.RoomOf(invitationId) is not { } roomId)
            {
                continue;
            }

            try
            {
                var status = (await rooms.AskAsync(roomId, new GetInvitation(invitationId, identity), Context.ConnectionAborted)).Status;
                if (status.Invitations?.FirstOrDefault(i => i.InvitationId == invitationId) is { IsRinging: true } invitation)
                {
                    await Clients.Caller.SendAsync(HubMethods.Invitation, invitation, Context.ConnectionAborted);
                }
            }
            catch (RoomException ex)
            {
                // ended meanwhile, or its room gone: the index learns it at the room's next change
                HubLog.RingingSkipped(logger, invitationId, ex.Kind.ToString());
            }
        }
    }
}
