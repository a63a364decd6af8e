using System.Threading.Channels;
using CallServer.Domain.Rooms.Commands;

namespace CallServer.Domain.Rooms;

/// <summary>
/// A room worker's mailbox: bounded (a full one answers "busy" at once), read by the worker's loop alone, and closed when the
/// worker stops or hibernates, so that the supervisor starts a new worker for the next command. A message the room must hear
/// (<see cref="RoomCommand.MustDeliver"/>: a connection's close) is taken even when the mailbox is full; there is at most one
/// per connection, and they do not count against the capacity.
/// </summary>
internal sealed class RoomMailbox(string roomId, int capacity, Action<RoomCommand, Exception> answer, Action queued)
{
    private readonly Channel<RoomCommand> _channel = Channel.CreateUnbounded<RoomCommand>(new UnboundedChannelOptions
    {
        SingleReader = true,
    });

    private readonly Lock _gate = new();
    private int _ordinary;
    private int _count;
    private bool _closed;

    /// <summary>How many messages wait.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Waits until a message waits (false once the mailbox is closed and empty).</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _channel.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Takes the next message, if one waits.</summary>
    public bool TryRead(out RoomCommand command)
    {
        if (!_channel.Reader.TryRead(out command!))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        if (!command.MustDeliver)
        {
            Interlocked.Decrement(ref _ordinary);
        }

        return true;
    }

    /// <summary>The next message, left in the mailbox, if one waits.</summary>
    public bool TryPeek(out RoomCommand command) => _channel.Reader.TryPeek(out command!);

    /// <summary>Posts a command; false when the mailbox is closed and a new worker must be started.</summary>
    public bool TryPost(RoomCommand command)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            if (!command.MustDeliver && Volatile.Read(ref _ordinary) >= capacity)
            {
                answer(command, new RoomException(RoomErrorKind.Busy, $"Room '{roomId}' is busy; try again."));
                return true;
            }

            if (!command.MustDeliver)
            {
                Interlocked.Increment(ref _ordinary);
            }

            Interlocked.Increment(ref _count);
            _channel.Writer.TryWrite(command);
            queued();
            return true;
        }
    }

    /// <summary>Closes the mailbox if nothing waits in it.</summary>
    public bool TryClose()
    {
        lock (_gate)
        {
            if (Count > 0)
            {
                return false;
            }

            _closed = true;
            return true;
        }
    }

    /// <summary>Closes the mailbox and hands back what waited in it.</summary>
    public IEnumerable<RoomCommand> Close()
    {
        lock (_gate)
        {
            _closed = true;
        }

        while (TryRead(out var command))
        {
            yield return command;
        }
    }
}
