namespace CallServer.Domain.Rooms.Commands;

/// <summary>A message for the room's media bridge: a request to the media server, its outcome, or lost media.</summary>
internal abstract record MediaMessage : RoomCommand
{
    /// <summary>Hands this message to the bridge's handling of its kind.</summary>
    internal abstract void HandleBy(RoomMediaBridge bridge, RoomState state, CancellationToken stopping);

    internal sealed override Task DispatchAsync(RoomWorker worker, CancellationToken stopping) => worker.MediaAsync(this, stopping);
}
