using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace CallServer.Hubs;

/// <summary>The hub connections this instance holds, by room, so that the relay can close those whose participant is gone.</summary>
internal sealed class RoomConnections
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Entry>> _rooms = new(StringComparer.Ordinal);

    /// <param name="confirmedVersion">The room version that acknowledged this connection: older statuses say nothing about it.</param>
    public void Add(string roomId, string participantId, HubCallerContext context, long confirmedVersion) =>
        _rooms.GetOrAdd(roomId, _ => new(StringComparer.Ordinal))[context.ConnectionId] = new Entry(participantId, context, confirmedVersion);

    public void Remove(string roomId, string connectionId)
    {
        if (_rooms.TryGetValue(roomId, out var room))
        {
            room.TryRemove(connectionId, out _);
            if (room.IsEmpty)
            {
                _rooms.TryRemove(KeyValuePair.Create(roomId, room));
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
