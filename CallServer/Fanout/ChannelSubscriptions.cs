using CallServer.Backup;
using StackExchange.Redis;

namespace CallServer.Fanout;

/// <summary>
/// The channels this instance listens to, each while something here needs it (a connection of the room, the participant or
/// the user) and <see cref="FanoutOptions.UnsubscribeLingerSeconds"/> after: one SUBSCRIBE per channel however many hold it,
/// and none again for a reconnect within the linger. Each channel's messages are handled one at a time, in order.
/// </summary>
internal sealed class ChannelSubscriptions(
    IConnectionMultiplexer redis, Microsoft.Extensions.Options.IOptions<FanoutOptions> options, Telemetry.ServerMetrics metrics,
    TimeProvider time, ILogger<ChannelSubscriptions> logger) : IDisposable
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Channels being unsubscribed: a new subscription to one waits for it.</summary>
    private readonly Dictionary<string, Task> _leaving = new(StringComparer.Ordinal);

    private TimeSpan Linger => TimeSpan.FromSeconds(options.Value.UnsubscribeLingerSeconds);

    /// <summary>How many channels this instance listens to.</summary>
    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Listens to <paramref name="channel"/> until the returned hold is released; returns once Redis has the subscription, so
    /// that whatever is published after it reaches <paramref name="onMessage"/>. Throws <see cref="Domain.Backup.StoreUnavailableException"/>
    /// when Redis cannot take it (nothing is held then).
    /// </summary>
    /// <param name="kind">What the channel carries, for the metrics: status, signal, user.</param>
    /// <param name="left">Called when this instance stops listening to the channel (after the linger).</param>
    public async Task<Hold> HoldAsync(
        string channel, string kind, Func<RedisValue, Task> onMessage, CancellationToken cancellationToken, Action? left = null)
    {
        Entry entry;
        lock (_entries)
        {
            if (_entries.TryGetValue(channel, out var held))
            {
                entry = held;
                entry.Holds++;
                entry.Linger?.Dispose();
                entry.Linger = null;
            }
            else
            {
                entry = new Entry(channel, kind, left);
                _entries[channel] = entry;
                entry.Subscribed = SubscribeAsync(entry, _leaving.GetValueOrDefault(channel) ?? Task.CompletedTask, onMessage);
            }
        }

        var hold = new Hold(this, entry);
        try
        {
            await entry.Subscribed.WaitAsync(cancellationToken);
            return hold;
        }
        catch
        {
            hold.Release();
            throw;
        }
    }

    private async Task SubscribeAsync(Entry entry, Task leaving, Func<RedisValue, Task> onMessage)
    {
        await leaving;
        try
        {
            var queue = await StoreFailures.GuardedAsync(
                () => redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(entry.Channel)), "The room's messages");
            entry.Queue = queue;
            metrics.SubscriptionsChanged(entry.Kind, 1);
            queue.OnMessage(async message =>
            {
                metrics.PubSubMessage(entry.Kind);
                try
                {
                    await onMessage(message.Message);
                }
                catch (Exception ex)
                {
                    // one message that cannot be handled must not stop the channel
                    FanoutLog.RelayFailed(logger, ex);
                }
            });
        }
        catch
        {
            // a subscription Redis did not take is not kept: the next hold tries again. The client library registered the
            // channel's queue before it asked Redis, and would subscribe it again after a reconnect with nobody reading it:
            // it is dropped too (this class is the channel's only subscriber, and its previous entry has left)
            lock (_entries)
            {
                if (_entries.TryGetValue(entry.Channel, out var current) && current == entry)
                {
                    _entries.Remove(entry.Channel);
                }
            }

            await StoreFailures.QuietlyAsync(redis.GetSubscriber().UnsubscribeAsync(RedisChannel.Literal(entry.Channel)), ex => FanoutLog.UnsubscribeSkipped(logger, ex));
            throw;
        }
    }

    private void Release(Entry entry)
    {
        lock (_entries)
        {
            if (--entry.Holds > 0 || !_entries.TryGetValue(entry.Channel, out var current) || current != entry)
            {
                return;
            }

            if (Linger <= TimeSpan.Zero || !entry.Subscribed.IsCompletedSuccessfully)
            {
                Leave(entry);
                return;
            }

            entry.Linger = time.CreateTimer(_ => LingerOver(entry), null, Linger, Timeout.InfiniteTimeSpan);
        }
    }

    private void LingerOver(Entry entry)
    {
        lock (_entries)
        {
            if (entry.Holds == 0 && _entries.TryGetValue(entry.Channel, out var current) && current == entry)
            {
                Leave(entry);
            }
        }
    }

    /// <summary>Under the lock: the channel is no longer listened to.</summary>
    private void Leave(Entry entry)
    {
        _entries.Remove(entry.Channel);
        entry.Linger?.Dispose();
        entry.Linger = null;
        entry.Left?.Invoke();
        var leaving = UnsubscribeAsync(entry);
        _leaving[entry.Channel] = leaving;
        _ = leaving.ContinueWith(_ =>
        {
            lock (_entries)
            {
                if (_leaving.TryGetValue(entry.Channel, out var current) && current == leaving)
                {
                    _leaving.Remove(entry.Channel);
                }
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task UnsubscribeAsync(Entry entry)
    {
        try
        {
            await entry.Subscribed;
        }
        catch
        {
            return; // never subscribed
        }

        metrics.SubscriptionsChanged(entry.Kind, -1);
        // bounded, and quiet while Redis does not answer: the subscription dies with the connection anyway
        await StoreFailures.QuietlyAsync(entry.Queue!.UnsubscribeAsync(), ex => FanoutLog.UnsubscribeSkipped(logger, ex));
    }

    public void Dispose()
    {
        lock (_entries)
        {
            foreach (var entry in _entries.Values)
            {
                entry.Linger?.Dispose();
            }
        }
    }

    internal sealed class Entry(string channel, string kind, Action? left)
    {
        public string Channel { get; } = channel;

        public string Kind { get; } = kind;

        /// <summary>Called once the channel is no longer listened to.</summary>
        public Action? Left { get; } = left;

        public int Holds { get; set; } = 1;

        public Task Subscribed { get; set; } = Task.CompletedTask;

        public ChannelMessageQueue? Queue { get; set; }

        public ITimer? Linger { get; set; }
    }

    /// <summary>One holder's claim on a channel; releasing it twice is releasing it once.</summary>
    public sealed class Hold
    {
        private readonly ChannelSubscriptions _owner;
        private readonly Entry _entry;
        private int _released;

        internal Hold(ChannelSubscriptions owner, Entry entry)
        {
            _owner = owner;
            _entry = entry;
        }

        public string Channel => _entry.Channel;

        public void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                _owner.Release(_entry);
            }
        }
    }
}
