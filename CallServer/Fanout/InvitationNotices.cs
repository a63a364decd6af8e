using System.Collections.Concurrent;
using System.Text.Json;
using CallServer.Domain.Rooms;
using CallServer.Hubs;
using Microsoft.AspNetCore.SignalR;

namespace CallServer.Fanout;

/// <summary>
/// On every instance, sends <c>invitation</c> to the user hub's devices of an invitee each time one of its invitations appears
/// or changes state in a room's status (docs/API.md §9): the statuses every instance relays already carry them, so a user's
/// devices hear them whichever instance each is connected to. Per room it keeps the states it sent, until the call ends.
/// Runs on the room's relay lane, in the statuses' order.
/// </summary>
internal sealed class InvitationNotices(IHubContext<UserHub> users)
{
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _sent = new(StringComparer.Ordinal);

    public async Task RelayAsync(PublishedStatus update, CancellationToken cancellationToken)
    {
        if (!update.HasInvitations)
        {
            if (update.EndReason is not null)
            {
                _sent.TryRemove(update.RoomId, out _);
            }

            return;
        }

        var status = JsonSerializer.Deserialize(update.StatusJson.Span, Backup.BackupJson.Default.RoomStatus)!;
        var sent = _sent.GetOrAdd(update.RoomId, _ => new(StringComparer.Ordinal));
        foreach (var invitation in status.Invitations ?? [])
        {
            if (sent.GetValueOrDefault(invitation.InvitationId) != invitation.State)
            {
                sent[invitation.InvitationId] = invitation.State;
                await users.Clients.Group(HubGroups.User(invitation.To)).SendAsync(HubMethods.Invitation, invitation, cancellationToken);
            }
        }

        if (update.EndReason is not null)
        {
            _sent.TryRemove(update.RoomId, out _);
        }
    }
}
