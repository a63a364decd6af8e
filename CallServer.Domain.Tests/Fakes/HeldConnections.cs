using CallServer.Domain.Rooms;

namespace CallServer.Domain.Tests.Fakes;

/// <summary>The connections this instance holds: every one, except those a test says were lost without their close reaching the room.</summary>
internal sealed class HeldConnections : ILocalConnections
{
    private readonly HashSet<string> _lost = new(StringComparer.Ordinal);

    /// <summary>The instance no longer holds <paramref name="connectionId"/>, and the room was not told.</summary>
    public void Lose(string connectionId)
    {
        lock (_lost)
        {
            _lost.Add(connectionId);
        }
    }

    public bool Holds(string roomId, string connectionId)
    {
        lock (_lost)
        {
            return !_lost.Contains(connectionId);
        }
    }
}
