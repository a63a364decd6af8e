using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace CallServer.Hubs;

/// <summary>The hub connections this instance holds, by room, so that the relay can close those whose participant is gone.</summary>
internal sealed class RoomConnections : Domain.Rooms.ILocalConnections
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Entry>> _rooms = new(StringComparer.Ordinal);
    private long _added;

    /// <summary>
    /// Holds a place for a new connection of <paramref name="participantId"/>. When the participant already holds
    /// <paramref name="maxPerParticipant"/> connections on this instance, its oldest gives way and is returned, to be closed: on
    /// a phone it is almost always one the network dropped and the server has not noticed yet. Until <see cref="Confirm"/>, the
    /// new connection is never outdated.
    /// </summary>
    public HubCallerContext? Add(string roomId, string participantId, HubCallerContext context, int maxPerParticipant)
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

                var held = room.Where(e => e.Value.ParticipantId == participantId).ToList();
                HubCallerContext? evicted = null;
                if (held.Count >= maxPerParticipant)
                {
                    var oldest = held.MinBy(e => e.Value.Added);
                    room.TryRemove(oldest.Key, out _);
                    evicted = oldest.Value.Context;
                }

                room[context.ConnectionId] = new Entry(participantId, context, long.MaxValue, Interlocked.Increment(ref _added));
                return evicted;
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

    /// <summary>Whether this instance holds a connection of the room.</summary>
    public bool HoldsRoom(string roomId) => _rooms.ContainsKey(roomId);

    public bool Holds(string roomId, string connectionId) =>
        _rooms.TryGetValue(roomId, out var room) && room.ContainsKey(connectionId);

    /// <summary>The connections of one participant on this instance.</summary>
    public List<HubCallerContext> OfParticipant(string roomId, string participantId) =>
        _rooms.TryGetValue(roomId, out var room)
            ? [.. room.Values.Where(e => e.ParticipantId == participantId).Select(e => e.Context)]
            : [];

    /// <summary>Every connection this instance holds.</summary>
    public List<HubCallerContext> All() => [.. _rooms.Values.SelectMany(room => room.Values.Select(e => e.Context))];

    /// <summary>How many connections this instance holds.</summary>
    public int Count => _rooms.Values.Sum(room => room.Count);

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

    /// <param name="Added">The order connections were added in.</param>
    private sealed record Entry(string ParticipantId, HubCallerContext Context, long ConfirmedVersion, long Added);
}
