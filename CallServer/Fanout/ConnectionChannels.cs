using System.Collections.Concurrent;

namespace CallServer.Fanout;

/// <summary>
/// The channels each hub connection of this instance needs heard: its room's statuses and its participant's messages on the
/// room hub, its user's notices on the user hub. Taken before the room hears of the connection, released when it closes.
/// </summary>
internal sealed class ConnectionChannels(StatusRelay relay, UserNotices users)
{
    private readonly ConcurrentDictionary<string, List<ChannelSubscriptions.Hold>> _held = new(StringComparer.Ordinal);

    /// <summary>Listens to the room and to the participant (both at once); on a failure nothing stays held.</summary>
    public async Task ListenAsync(string connectionId, string roomId, string participantId, CancellationToken cancellationToken)
    {
        var room = relay.ListenToRoomAsync(roomId, cancellationToken);
        var participant = relay.ListenToParticipantAsync(roomId, participantId, cancellationToken);
        try
        {
            await Task.WhenAll(room, participant);
        }
        finally
        {
            // whichever succeeded is held, so that a failure of the other releases it with the rest
            foreach (var hold in new[] { room, participant }.Where(t => t.IsCompletedSuccessfully))
            {
                Keep(connectionId, hold.Result);
            }
        }
    }

    /// <summary>Listens to another participant's messages too (a retried join key gave this connection an earlier participant).</summary>
    public async Task ListenToParticipantAsync(string connectionId, string roomId, string participantId, CancellationToken cancellationToken) =>
        Keep(connectionId, await relay.ListenToParticipantAsync(roomId, participantId, cancellationToken));

    /// <summary>Listens to a user's notices.</summary>
    public async Task ListenToUserAsync(string connectionId, string identity, CancellationToken cancellationToken) =>
        Keep(connectionId, await users.ListenAsync(identity, cancellationToken));

    /// <summary>Stops listening for the connection: to every channel, or to the one named.</summary>
    public void Stop(string connectionId, string? channel = null)
    {
        if (channel is null)
        {
            if (_held.TryRemove(connectionId, out var all))
            {
                lock (all)
                {
                    all.ForEach(hold => hold.Release());
                }
            }

            return;
        }

        if (_held.TryGetValue(connectionId, out var held))
        {
            lock (held)
            {
                held.FindAll(hold => hold.Channel == channel).ForEach(hold => hold.Release());
                held.RemoveAll(hold => hold.Channel == channel);
            }
        }
    }

    private void Keep(string connectionId, ChannelSubscriptions.Hold hold)
    {
        var held = _held.GetOrAdd(connectionId, _ => []);
        lock (held)
        {
            held.Add(hold);
        }
    }
}
