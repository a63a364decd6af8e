using CallServer.Api;
using CallServer.Domain.Rooms;

namespace CallServer.Tests.Infrastructure;

/// <summary>A call whose first participant (Ann) dropped: <see cref="Dropped"/> is the status that shows her reconnecting.</summary>
internal sealed record DroppedCall(JoinResponse Ann, JoinResponse Bob, HubClient BobHub, RoomStatus Dropped) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => BobHub.DisposeAsync();
}
