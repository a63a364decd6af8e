using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace CallServer.Hubs;

/// <summary>The hub connections this instance holds, by room, so that the relay can close those whose participant is gone.</summary>
internal sealed class RoomConnections
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Entry>> _rooms = new(StringComparer.Ordinal);

    /// <summary>
    /// Holds a place for a new connection of <paramref name="participantId"/>, unless the participant already holds
    /// <paramref name="maxPerParticipant"/> on this instance. Until <see cref="Confirm"/>, the connection is never outdated.
    /// </summary>
    /// <returns>How many connections the participant held when refused; 0 when the place was taken.</returns>
    public int TryAdd(string roomId, string participantId, HubCallerContext context, int maxPerParticipant)
    {
        while (true)
        {
            var room = _rooms.GetOrAdd(roomId, _ => new(StringComparer.Ordinal));
            lock (room)
            {
                if (!_rooms.TryGetValue(roomId, out var current) || current != room)
                {
                    // a Remove emptied and dropped this room meanwhile
                    continue;
                }

                var held = 0;
                foreach (var (_, e) in room)
                {
                    held += e.ParticipantId == participantId ? 1 : 0;
                }

                if (held >= maxPerParticipant)
                {
                    return held;
                }

                room[context.ConnectionId] = new Entry(participantId, context, long.MaxValue);
                return 0;
            }
        }
    }

    /// <param name="confirmedVersion">The room version that acknowledged this connection: older statuses say nothing about it.</param>
    public void Confirm(string roomId, string connectionId, long confirmedVersion)
    {
        if (_rooms.TryGetValue(roomId, out var room) && room.TryGetValue(connectionId, out var entry))
        {
            room[connectionId] = entry with { ConfirmedVersion = confirmedVersion };
        }
    }

    public void Remove(string roomId, string connectionId)
    {
        if (_rooms.TryGetValue(roomId, out var room))
        {
            lock (room)
            {
                room.TryRemove(connectionId, out _);
                if (room.IsEmpty)
                {
                    _rooms.TryRemove(KeyValuePair.Create(roomId, room));
                }
            }
        }
    }

    /// <summary>Connections of the room whose participant is not in <paramref name="participantIds"/> as of <paramref name="version"/>.</summary>
    public List<HubCallerContext> Outdated(string roomId, long version, IReadOnlySet<string>? participantIds)
    {
        if (!_rooms.TryGetValue(roomId, out var room))
        {
            return [];
        }

        // enumerating the dictionary itself takes no lock (its Values property locks and copies)
        var outdated = new List<HubCallerContext>();
        foreach (var (_, e) in room)
        {
            if (e.ConfirmedVersion < version && (participantIds is null || !participantIds.Contains(e.ParticipantId)))
            {
                outdated.Add(e.Context);
            }
        }

        return outdated;
    }

    private sealed record Entry(string ParticipantId, HubCallerContext Context, long ConfirmedVersion);
}
