namespace CallServer.Domain.Rooms.Commands;

/// <summary>
/// A message in a room worker's mailbox; <see cref="Reply"/> is completed once its outcome is backed up (every posted message
/// is answered: done, refused, crashed, or the server stopping). There are two kinds, each handled in one place: a
/// <see cref="RoomChange"/>, decided by the rules, and a <see cref="MediaMessage"/>, for the media bridge.
/// </summary>
internal abstract record RoomCommand
{
    private protected RoomCommand()
    {
    }

    public TaskCompletionSource<RoomReply> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The trace of whoever sent it (a REST request, a hub call): the worker's span for it is parented by it.</summary>
    public System.Diagnostics.ActivityContext Origin { get; set; }

    /// <summary>
    /// True for what the room must hear even when its mailbox is full, because nobody would send it again (a connection's
    /// close): such a message is taken beyond the mailbox's capacity and, when its write keeps conflicting, handled again
    /// later instead of being answered "busy". At most one per connection, so they cannot flood the mailbox.
    /// </summary>
    internal virtual bool MustDeliver => false;

    /// <summary>
    /// True for reads and for checks of membership or grants: decided on the version the backup holds, since another instance
    /// may have changed the room (a participant removed through it must be refused here too). Writes need no such look: their
    /// compare-and-set catches a newer version.
    /// </summary>
    internal virtual bool ReadsBackup => false;

    /// <summary>True for what may start a room's worker on purpose (a join, a dial, an answer): refused beyond <c>Rooms:MaxLiveRooms</c>.</summary>
    internal virtual bool StartsRoom => false;

    /// <summary>Hands this message to its handling in <paramref name="worker"/>.</summary>
    internal abstract Task DispatchAsync(RoomWorker worker, CancellationToken stopping);
}
