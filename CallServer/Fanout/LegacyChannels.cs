using CallServer.Backup;
using CallServer.Domain.Supervision;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallServer.Fanout;

/// <summary>
/// A rolling deploy from a build before issue 29, which publishes and hears every status and signal on one channel for all:
/// every 5 s, counts that build's listeners of those channels (<c>PUBSUB NUMSUB</c>); while there are some, this instance
/// copies its statuses and signals there (<see cref="LegacyCopies"/>), so that the older instances' clients miss nothing,
/// and relays what the older instances publish there to its own clients (their invitations too). This instance listens to
/// those channels by pattern, which <c>NUMSUB</c> does not count. Over after two counts of none; off with
/// <c>Fanout:LegacyChannels=off</c>.
/// </summary>
internal sealed class LegacyChannels(
    IConnectionMultiplexer redis, RedisKeys keys, LegacyCopies copies, StatusRelay relay, LegacyInvitationNotices invitations,
    IOptions<FanoutOptions> options, TimeProvider time, ILogger<LegacyChannels> logger) : ISupervisedService
{
    /// <summary>How often the older build's listeners are counted.</summary>
    internal static TimeSpan CountEvery { get; set; } = TimeSpan.FromSeconds(5);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (options.Value.LegacyChannels == "off")
        {
            return;
        }

        var subscriber = redis.GetSubscriber();
        // by pattern (the names hold no glob character: RedisOptions' prefix rule), so that NUMSUB counts only the older build
        var statuses = await subscriber.SubscribeAsync(RedisChannel.Pattern(keys.LegacyStatusChannel[..^1] + "[s]"));
        statuses.OnMessage(message => OnStatusAsync(message.Message));
        var signals = await subscriber.SubscribeAsync(RedisChannel.Pattern(keys.LegacySignalChannel[..^1] + "[l]"));
        signals.OnMessage(message => OnSignalAsync(message.Message));
        try
        {
            var quiet = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                if (await OlderListenersAsync() > 0)
                {
                    quiet = 0;
                    if (!copies.Active)
                    {
                        copies.Active = true;
                        FanoutLog.LegacyChannelsOn(logger, keys.LegacyStatusChannel);
                    }
                }
                else if (copies.Active && ++quiet >= 2)
                {
                    copies.Active = false;
                    FanoutLog.LegacyChannelsOff(logger, keys.LegacyStatusChannel);
                }

                await Task.Delay(CountEvery, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            copies.Active = false;
            await StoreFailures.QuietlyAsync(statuses.UnsubscribeAsync(), ex => FanoutLog.UnsubscribeSkipped(logger, ex));
            await StoreFailures.QuietlyAsync(signals.UnsubscribeAsync(), ex => FanoutLog.UnsubscribeSkipped(logger, ex));
        }
    }

    /// <summary>The older build's subscribers of its two channels, on every primary this instance talks to.</summary>
    private async Task<long> OlderListenersAsync()
    {
        long listeners = 0;
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            listeners += await server.SubscriptionSubscriberCountAsync(RedisChannel.Literal(keys.LegacyStatusChannel));
            listeners += await server.SubscriptionSubscriberCountAsync(RedisChannel.Literal(keys.LegacySignalChannel));
        }

        return listeners;
    }

    private async Task OnStatusAsync(RedisValue message)
    {
        var json = (ReadOnlyMemory<byte>)message;
        // this build's own copy: its clients had it on the room's channel, its invitations' devices on their users' channels;
        // only the invitations' states are recorded (an older instance's next status carries them again)
        var copy = LegacyCopies.IsCopy(json.Span);
        var update = PublishedStatus.Read(json);
        if (!copy)
        {
            await relay.RelayLegacyAsync(update);
        }

        await invitations.RelayAsync(update, send: !copy, CancellationToken.None);
    }

    private Task OnSignalAsync(RedisValue message) =>
        LegacyCopies.IsCopy(((ReadOnlyMemory<byte>)message).Span) ? Task.CompletedTask : relay.RelayLegacySignalAsync(message);
}
