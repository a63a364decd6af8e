using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;

namespace CallServer.Domain.Tests.Rooms;

/// <summary>
/// A room driven through the rules alone, as its worker would: each decided state becomes the next version. Its ids come from
/// <paramref name="seed"/>, so that the same commands make the same room.
/// </summary>
internal sealed class RoomFixture(int seed = 1)
{
    private readonly RoomIds _ids = RoomIds.Seeded(seed);

    public static readonly RoomsOptions Options = new() { MaxParticipants = 4, ReconnectGraceSeconds = 20, JoinTimeoutSeconds = 30 };

    public RoomState State { get; private set; } = RoomState.Empty("r1");

    public DateTimeOffset Now { get; private set; } = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    public void Advance(TimeSpan by) => Now += by;

    /// <summary>Decides <paramref name="command"/> and, when it changes the room, makes the result the next version.</summary>
    public RoomDecision Apply(RoomChange command)
    {
        var decision = RoomRules.Decide(State, command, Now, Options, _ids);
        if (decision.Next is { } next)
        {
            State = next with { Version = State.Version + 1, UpdatedAt = Now };
        }

        return decision;
    }

    public Participant Join(string name, string? key = null) => Apply(new JoinRoom(name, key)).Participant!;

    public Participant JoinAndConnect(string name, string connectionId, string instanceId = "i1")
    {
        var p = Join(name);
        Apply(new ConnectParticipant(p.ParticipantId, connectionId, instanceId));
        return State.Find(p.ParticipantId)!;
    }
}
