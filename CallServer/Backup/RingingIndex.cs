using System.Text.Json;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms;
using StackExchange.Redis;

namespace CallServer.Backup;

/// <summary>
/// Which invitations ring for each identity (a Redis set per identity), so that a device connecting to the user hub finds its
/// ringing calls, and each change of an invitation on its user's channel, for the devices connected meanwhile. Kept after each
/// acknowledged write that rings or ends an invitation; the room stays the truth: the hub asks
/// it about each entry, so an entry a crash left behind is only skipped. Each set expires after the longest ring.
/// </summary>
internal sealed class RingingIndex(IConnectionMultiplexer redis, RedisKeys keys, ILogger<RingingIndex> logger)
{
    /// <summary>The longest ring (120 s) and a margin.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(180);

    /// <summary>
    /// Follows written changes' invitation events: the index first, then each invitation's new state on its user's channel
    /// (<see cref="RedisKeys.UserChannel"/>), in order on one connection. A device subscribes before it reads the index, so it
    /// hears a change from one or the other. Never fails the changes (they are acknowledged): a failure is logged.
    /// </summary>
    public async Task FollowAsync(IReadOnlyList<BackupStep> steps)
    {
        var batch = redis.GetDatabase().CreateBatch();
        var writes = new List<Task>();
        var notices = new List<(string To, InvitationView Invitation)>();
        foreach (var step in steps)
        {
            foreach (var e in step.Events)
            {
                switch (e.Fact)
                {
                    case InvitationRinging ringing:
                        writes.Add(batch.SetAddAsync(keys.UserRinging(ringing.To), ringing.InvitationId));
                        writes.Add(batch.KeyExpireAsync(keys.UserRinging(ringing.To), Lifetime));
                        Notice(step.Next, ringing.InvitationId, notices);
                        break;
                    case InvitationEnded ended:
                        writes.Add(batch.SetRemoveAsync(keys.UserRinging(ended.To), ended.InvitationId));
                        Notice(step.Next, ended.InvitationId, notices);
                        break;
                }
            }
        }

        foreach (var (to, invitation) in notices)
        {
            writes.Add(batch.PublishAsync(RedisChannel.Literal(keys.UserChannel(to)), JsonSerializer.SerializeToUtf8Bytes(invitation, Hubs.HubJson.Default.InvitationView)));
        }

        if (writes.Count == 0)
        {
            return;
        }

        batch.Execute();
        try
        {
            await Task.WhenAll(writes);
        }
        catch (Exception ex)
        {
            // whatever went wrong, the change itself is written and acknowledged: it must not be reported as failed
            BackupLog.RingingIndexSkipped(logger, ex);
        }
    }

    private static void Notice(RoomState state, string invitationId, List<(string, InvitationView)> notices)
    {
        if (state.FindInvitation(invitationId) is { } invitation)
        {
            notices.Add((invitation.To, InvitationView.Of(state, invitation)));
        }
    }

    /// <summary>The invitations that may ring for <paramref name="identity"/>.</summary>
    public async Task<string[]> OfAsync(string identity, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return [.. (await redis.GetDatabase().SetMembersAsync(keys.UserRinging(identity))).Select(v => v.ToString())];
    }
}
