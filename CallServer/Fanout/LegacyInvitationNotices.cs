using System.Collections.Concurrent;
using System.Text.Json;
using CallServer.Domain.Rooms;
using CallServer.Hubs;
using Microsoft.AspNetCore.SignalR;

namespace CallServer.Fanout;

/// <summary>
/// During a rolling deploy from a build before issue 29 (<see cref="LegacyChannels"/>): its instances publish no user notices,
/// so the invitations in the statuses they write reach this instance's devices from those statuses, as that build did. Sends
/// <c>invitation</c> to the user hub's devices of an invitee each time one of its invitations appears or changes state in such
/// a status. Per room it keeps the states it sent for the current call, dropped when the call ends, when a new call starts,
/// or after <see cref="Forget"/> without a status (an end status lost on the way must not keep them for good).
/// </summary>
internal sealed class LegacyInvitationNotices(IHubContext<UserHub> users, TimeProvider time)
{
    /// <summary>How long a room's sent states are kept without a status: well beyond the longest ring (120 s).</summary>
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Sent> _sent = new(StringComparer.Ordinal);
    private long _prunedAt;

    /// <param name="send">False for this build's own statuses: their invitations' devices were told on the user's channel
    /// (<see cref="UserNotices"/>), and the states are only recorded, so that an older instance's next status of the room does
    /// not tell them again.</param>
    public async Task RelayAsync(PublishedStatus update, bool send, CancellationToken cancellationToken)
    {
        Prune();
        if (update.StatusJson.Span.IndexOf("\"invitations\":[{"u8) < 0)
        {
            if (update.EndReason is not null)
            {
                _sent.TryRemove(update.RoomId, out _);
            }

            return;
        }

        var status = JsonSerializer.Deserialize(update.StatusJson.Span, Backup.BackupJson.Default.RoomStatus)!;
        var sent = _sent.AddOrUpdate(update.RoomId, _ => new Sent(status.CallId), (_, s) => s.CallId == status.CallId ? s : new Sent(status.CallId));
        sent.TouchedAt = time.GetTimestamp();
        foreach (var invitation in status.Invitations ?? [])
        {
            if (sent.States.GetValueOrDefault(invitation.InvitationId) != invitation.State)
            {
                sent.States[invitation.InvitationId] = invitation.State;
                if (send)
                {
                    await users.Clients.Group(HubGroups.User(invitation.To)).SendAsync(HubMethods.Invitation, invitation, cancellationToken);
                }
            }
        }

        if (update.EndReason is not null)
        {
            _sent.TryRemove(update.RoomId, out _);
        }
    }

    private void Prune()
    {
        var last = Interlocked.Read(ref _prunedAt);
        if (time.GetElapsedTime(last) < TimeSpan.FromMinutes(1) || Interlocked.CompareExchange(ref _prunedAt, time.GetTimestamp(), last) != last)
        {
            return;
        }

        foreach (var (roomId, sent) in _sent)
        {
            if (time.GetElapsedTime(sent.TouchedAt) > Forget)
            {
                _sent.TryRemove(KeyValuePair.Create(roomId, sent));
            }
        }
    }

    /// <summary>The states sent for one call of a room.</summary>
    private sealed class Sent(string? callId)
    {
        public string? CallId { get; } = callId;

        public Dictionary<string, string> States { get; } = new(StringComparer.Ordinal);

        public long TouchedAt { get; set; }
    }
}
