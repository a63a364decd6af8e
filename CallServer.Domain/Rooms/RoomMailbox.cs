using System.Threading.Channels;
using CallServer.Domain.Rooms.Commands;

namespace CallServer.Domain.Rooms;

/// <summary>
/// A room worker's mailbox: bounded (a full one answers "busy" at once), read by the worker's loop alone, and closed when the
/// worker stops or hibernates, so that the supervisor starts a new worker for the next command.
/// </summary>
internal sealed class RoomMailbox(string roomId, int capacity, Action<RoomCommand, Exception> answer, Action queued)
{
    private readonly Channel<RoomCommand> _channel = Channel.CreateBounded<RoomCommand>(new BoundedChannelOptions(capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Lock _gate = new();
    private bool _closed;

    public ChannelReader<RoomCommand> Reader => _channel.Reader;

    /// <summary>Posts a command; false when the mailbox is closed and a new worker must be started.</summary>
    public bool TryPost(RoomCommand command)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            if (_channel.Writer.TryWrite(command))
            {
                queued();
            }
            else
            {
                answer(command, new RoomException(RoomErrorKind.Busy, $"Room '{roomId}' is busy; try again."));
            }

            return true;
        }
    }

    /// <summary>Closes the mailbox if nothing waits in it.</summary>
    public bool TryClose()
    {
        lock (_gate)
        {
            if (_channel.Reader.Count > 0)
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

        while (_channel.Reader.TryRead(out var command))
        {
            yield return command;
        }
    }
}
