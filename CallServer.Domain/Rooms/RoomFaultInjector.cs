using CallServer.Domain.Rooms.Commands;

namespace CallServer.Domain.Rooms;

/// <summary>Chaos hook: when <see cref="CrashWhen"/> says so, a worker throws in the middle of a command, before its backup write.</summary>
internal sealed class RoomFaultInjector
{
    public Func<string, RoomCommand, bool>? CrashWhen { get; set; }

    public bool ShouldCrash(string roomId, RoomCommand command) =>
        command is CrashRoom || CrashWhen?.Invoke(roomId, command) == true;
}
