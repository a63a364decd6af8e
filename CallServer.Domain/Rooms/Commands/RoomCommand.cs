namespace CallServer.Rooms.Commands;

/// <summary>A message in a room worker's mailbox. <see cref="Reply"/> is completed once the outcome is backed up.</summary>
internal abstract record RoomCommand
{
    /// <summary>Where the answer goes; null for messages nobody waits for (timer ticks, disconnects).</summary>
    public TaskCompletionSource<RoomReply>? Reply { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
}
