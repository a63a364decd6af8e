using CallServer.Domain.Rooms;
using StackExchange.Redis;

namespace CallServer.Backup;

/// <summary>
/// Which invitations ring for each identity (a Redis set per identity), so that a device connecting to the user hub finds its
/// ringing calls. Kept after each acknowledged write that rings or ends an invitation; the room stays the truth: the hub asks
/// it about each entry, so an entry a crash left behind is only skipped. Each set expires after the longest ring.
/// </summary>
internal sealed class RingingIndex(IConnectionMultiplexer redis, RedisKeys keys, ILogger<RingingIndex> logger)
{
    /// <summary>The longest ring (120 s) and a margin.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(180);

    /// <summary>Follows a written change's invitation events; never fails the change (it is acknowledged): a failure is logged.</summary>
    public async Task FollowAsync(IReadOnlyList<RoomEvent> events)
    {
        var batch = redis.GetDatabase().CreateBatch();
        var writes = new List<Task>();
        foreach (var e in events)
        {
            switch (e.Fact)
            {
                case InvitationRinging ringing:
                    writes.Add(batch.SetAddAsync(keys.UserRinging(ringing.To), ringing.InvitationId));
                    writes.Add(batch.KeyExpireAsync(keys.UserRinging(ringing.To), Lifetime));
                    break;
                case InvitationEnded ended:
                    writes.Add(batch.SetRemoveAsync(keys.UserRinging(ended.To), ended.InvitationId));
                    break;
            }
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

    /// <summary>The invitations that may ring for <paramref name="identity"/>.</summary>
    public async Task<string[]> OfAsync(string identity, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return [.. (await redis.GetDatabase().SetMembersAsync(keys.UserRinging(identity))).Select(v => v.ToString())];
    }
}
